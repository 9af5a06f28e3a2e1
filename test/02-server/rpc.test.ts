import { expect } from 'chai';
import { EventKind, Op, utf8Decode } from '../../lib/protocol';
import { call, event, join, ok } from './channel-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-rpc';
const F = 'io.agora.signal.';

describe('02-server: INVOKE, BC_CALL and DBG', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start());
  afterEach(() => fixture.stop());

  /** INVOKE: values [err, resp]; answers err and the parsed resp. */
  async function invoke(client: Parameters<typeof ok>[0], name: string, req: unknown): Promise<{ err: string; resp: Record<string, unknown> }> {
    const [err, resp] = await ok(client, Op.Invoke, [name, typeof req === 'string' ? req : JSON.stringify(req)]);
    return { err, resp: JSON.parse(resp) as Record<string, unknown> };
  }

  it('answers every function of the io.agora.signal table', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    await join(bob.client, 'lobby');

    expect(await invoke(alice.client, F + 'user_query_user_status', { account: 'bob' })).to.deep.equal({ err: '', resp: { result: 'ok', account: 'bob', status: 1 } });
    expect((await invoke(alice.client, F + 'user_query_user_status', { account: 'carol' })).resp.status).to.equal(0);
    expect(await invoke(alice.client, F + 'user_set_attr', { name: 'color', value: 'red' })).to.deep.equal({ err: '', resp: { result: 'ok' } });
    expect(await invoke(bob.client, F + 'user_get_attr', { account: 'alice', name: 'color' })).to.deep.equal({ err: '', resp: { result: 'ok', account: 'alice', name: 'color', value: 'red' } });
    expect(await invoke(bob.client, F + 'user_get_attr_all', { account: 'alice' })).to.deep.equal({ err: '', resp: { result: 'ok', account: 'alice', json: { color: 'red' } } });
    expect(await invoke(alice.client, F + 'channel_query_num', { name: 'lobby' })).to.deep.equal({ err: '', resp: { result: 'ok', name: 'lobby', num: 1 } });
    expect(await invoke(alice.client, F + 'channel_query_user_isin', { name: 'lobby', account: 'bob' })).to.deep.equal({ err: '', resp: { result: 'ok', name: 'lobby', account: 'bob', isin: 1 } });
    expect((await invoke(alice.client, F + 'channel_query_user_isin', { name: 'lobby', account: 'alice' })).resp.isin).to.equal(0);
    expect(await invoke(alice.client, F + 'channel_query_userlist', { name: 'lobby' })).to.deep.equal({ err: '', resp: { result: 'ok', name: 'lobby', num: 1, list: [['bob', bob.uid]] } });
    expect((await invoke(alice.client, F + 'channel_query_userlist_all', { name: 'lobby' })).resp.list).to.deep.equal([['bob', bob.uid]]);
    expect((await invoke(alice.client, F + 'channel_query_userlist_all', { name: 'lobby', num: 0 })).resp).to.deep.equal({ result: 'ok', name: 'lobby', num: 1, list: [] });

    expect(await invoke(alice.client, F + 'channel_set_attr', { channel: 'lobby', name: 'topic', value: 'rpc' })).to.deep.equal({ err: '', resp: { result: 'ok' } });
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['lobby', 'topic', 'rpc', 'update']);
    await invoke(alice.client, F + 'channel_del_attr', { channel: 'lobby', name: 'topic' });
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['lobby', 'topic', '', 'del']);
    await invoke(alice.client, F + 'channel_clear_attr', { channel: 'lobby' });
    expect(await event(bob.client, EventKind.ChannelAttr)).to.deep.equal(['lobby', '', '', 'clear']);
  });

  it('answers an unknown function, bad JSON, a missing or wrong argument with a non-empty err and a reason', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const cases: [string, string, string, string][] = [
      [F + 'no_such_function', '{}', '1004', 'unknown function "io.agora.signal.no_such_function"'],
      ['user_get_attr', '{}', '1004', 'unknown function "user_get_attr"'],
      [F + 'user_get_attr', '{not json', '1004', 'request is not valid JSON'],
      [F + 'user_get_attr', '[1,2]', '1004', 'request must be a JSON object'],
      [F + 'user_get_attr', '{"account":"bob"}', '1004', 'missing argument "name"'],
      [F + 'channel_query_num', '{"name":7}', '1004', 'argument "name" must be a string'],
      [F + 'channel_query_num', '{"name":""}', '1004', 'argument "name": channel name is empty'],
      [F + 'user_query_user_status', '{"account":"a b"}', '1004', 'argument "account": account contains a space'],
      [F + 'channel_set_attr', JSON.stringify({ channel: 'c', name: 'n', value: 'v'.repeat(8097) }), '1005', 'attribute value is 8097 bytes, at most 8096 allowed'],
      [F + 'channel_query_userlist_all', '{"name":"c","num":-1}', '1004', 'argument "num" must be a whole number >= 0'],
    ];
    for (const [name, req, err, reason] of cases) {
      const answer = await invoke(alice.client, name, req);
      expect(answer.err, name + req).to.equal(err);
      expect(answer.resp.result).to.equal('failed');
      expect(String(answer.resp.reason)).to.contain(reason);
    }
    expect((await call(alice.client, Op.Invoke, [F + 'channel_query_num'])).code).to.equal(1004);
  });

  it('BC_CALL answers [reason, json] from the same table', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    expect(await ok(alice.client, Op.BcCall, [F + 'channel_query_num', '{"name":"lobby"}'])).to.deep.equal(['', JSON.stringify({ result: 'ok', name: 'lobby', num: 0 })]);
    const [reason, json] = await ok(alice.client, Op.BcCall, ['nothing', '{}']);
    expect(reason).to.equal('unknown function "nothing"');
    expect(JSON.parse(json)).to.deep.equal({ result: 'failed', reason: 'unknown function "nothing"' });
    expect((await call(alice.client, Op.BcCall, [])).code).to.equal(1004);
  });

  it('DBG: ping, echo, server_time, version, stats; anything else 1004', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    expect(await ok(alice.client, Op.Dbg, ['ping', 'x'])).to.deep.equal(['pong', 'x']);
    expect(await ok(alice.client, Op.Dbg, ['echo', 'hello'])).to.deep.equal(['echo', 'hello']);
    const [, time] = await ok(alice.client, Op.Dbg, ['server_time', '']);
    expect(Math.abs(Number(time) - Date.now())).to.be.lessThan(5000);
    expect((await ok(alice.client, Op.Dbg, ['version', '']))[1]).to.match(/protocol 1/);
    await join(alice.client, 'lobby');
    expect(JSON.parse((await ok(alice.client, Op.Dbg, ['stats', '']))[1])).to.deep.include({ sessions: 1, channels: 1 });
    const r = await call(alice.client, Op.Dbg, ['format_disk', '']);
    expect(r.code).to.equal(1004);
    expect(utf8Decode(r.text)).to.contain('unknown dbg command "format_disk"');
  });
});
