import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, joinOk, loginOk, newClient, startServer, uidOf } from './harness';

// invoke (onInvokeRet), bc_call (onBCCall_result) and dbg (onDbg) as an application sees them.
describe('04 e2e: invoke, bc_call and dbg through the addon', function () {
  this.timeout(60000);
  let server: Awaited<ReturnType<typeof startServer>>;
  let alice: Client;
  let bob: Client;
  let callNo = 0;

  before(async () => {
    server = await startServer();
  });
  beforeEach(async () => {
    alice = newClient(server.tcpPort);
    bob = newClient(server.tcpPort);
    await loginOk(alice, 'demo', 'rpc-alice');
    await loginOk(bob, 'demo', 'rpc-bob');
  });
  afterEach(() => {
    alice.api.destroy();
    bob.api.destroy();
  });
  after(async () => {
    await server.server.close();
  });

  /** invoke from alice; resolves with [err, parsed resp]. */
  async function invoke(fn: string, req: unknown): Promise<[string, Record<string, unknown>]> {
    const callID = `call-${++callNo}`;
    alice.api.invoke(fn, typeof req === 'string' ? req : JSON.stringify(req), callID);
    const ret = await alice.rec.waitFor('onInvokeRet', (a) => a[0] === callID);
    return [ret.args[1] as string, JSON.parse(ret.args[2] as string) as Record<string, unknown>];
  }

  const ns = 'io.agora.signal.';

  it('answers every function of the table with err "" and the JSON answer', async () => {
    await joinOk(bob, 'rpc-room');
    expect(await invoke(ns + 'user_query_user_status', { account: 'rpc-bob' })).to.deep.equal(['', { result: 'ok', account: 'rpc-bob', status: 1 }]);
    expect(await invoke(ns + 'user_query_user_status', { account: 'nobody' })).to.deep.equal(['', { result: 'ok', account: 'nobody', status: 0 }]);
    expect(await invoke(ns + 'user_set_attr', { name: 'color', value: 'red' })).to.deep.equal(['', { result: 'ok' }]);
    expect(await invoke(ns + 'user_get_attr', { account: 'rpc-alice', name: 'color' })).to.deep.equal(['', { result: 'ok', account: 'rpc-alice', name: 'color', value: 'red' }]);
    expect(await invoke(ns + 'user_get_attr_all', { account: 'rpc-alice' })).to.deep.equal(['', { result: 'ok', account: 'rpc-alice', json: { color: 'red' } }]);
    expect(await invoke(ns + 'channel_query_num', { name: 'rpc-room' })).to.deep.equal(['', { result: 'ok', name: 'rpc-room', num: 1 }]);
    expect(await invoke(ns + 'channel_query_user_isin', { name: 'rpc-room', account: 'rpc-bob' })).to.deep.equal(['', { result: 'ok', name: 'rpc-room', account: 'rpc-bob', isin: 1 }]);
    const list = ['', { result: 'ok', name: 'rpc-room', num: 1, list: [['rpc-bob', uidOf(bob)]] }];
    expect(await invoke(ns + 'channel_query_userlist', { name: 'rpc-room' })).to.deep.equal(list);
    expect(await invoke(ns + 'channel_query_userlist_all', { name: 'rpc-room', num: 10 })).to.deep.equal(list);
    // The channel functions change attributes from outside: the member hears them.
    expect(await invoke(ns + 'channel_set_attr', { channel: 'rpc-room', name: 'topic', value: 'rpc' })).to.deep.equal(['', { result: 'ok' }]);
    expect(await invoke(ns + 'channel_del_attr', { channel: 'rpc-room', name: 'topic' })).to.deep.equal(['', { result: 'ok' }]);
    expect(await invoke(ns + 'channel_clear_attr', { channel: 'rpc-room' })).to.deep.equal(['', { result: 'ok' }]);
    await bob.rec.waitForCount('onChannelAttrUpdated', 3);
    expect(bob.rec.named('onChannelAttrUpdated').map((e) => e.args[3])).to.deep.equal(['update', 'del', 'clear']);
    expect(alice.rec.count('onError')).to.equal(0);
  });

  it('an unknown function, bad JSON or a missing argument gives a non-empty err and a reason', async () => {
    const cases: Array<[string, unknown, string]> = [
      [ns + 'no_such_function', {}, 'unknown function'],
      ['no.prefix.user_get_attr', {}, 'unknown function'],
      [ns + 'user_get_attr', '{not json', 'not valid JSON'],
      [ns + 'user_get_attr', '[1,2]', 'JSON object'],
      [ns + 'user_get_attr', { account: 'rpc-alice' }, 'missing argument "name"'],
      [ns + 'channel_query_num', { name: '' }, 'channel name is empty'],
    ];
    for (const [fn, req, reason] of cases) {
      const [err, resp] = await invoke(fn, req);
      expect(err, fn).to.equal(String(AGORA_E_CODE.GENERAL_E_WRONG_PARAM));
      expect(resp.result).to.equal('failed');
      expect(resp.reason).to.contain(reason);
    }
    // Local checks: an empty function name never leaves, and is also an onError.
    alice.api.invoke('', '{}', 'local');
    const local = await alice.rec.waitFor('onInvokeRet', (a) => a[0] === 'local');
    expect(local.args[1]).to.equal('1004');
    expect(JSON.parse(local.args[2] as string).result).to.equal('failed');
    expect((await alice.rec.waitFor('onError')).args.slice(0, 2)).to.deep.equal(['invoke', 1004]);
  });

  it('bc_call answers through onBCCall_result(reason, json_ret, callID) with the same table', async () => {
    alice.api.bc_call(ns + 'user_query_user_status', JSON.stringify({ account: 'rpc-bob' }), 'bc-1');
    alice.api.bc_call(ns + 'nope', '{}', 'bc-2');
    await alice.rec.waitForCount('onBCCall_result', 2);
    const [ok, failed] = alice.rec.named('onBCCall_result');
    expect(ok.args[0]).to.equal('');
    expect(JSON.parse(ok.args[1] as string)).to.deep.equal({ result: 'ok', account: 'rpc-bob', status: 1 });
    expect(ok.args[2]).to.equal('bc-1');
    expect(failed.args[0]).to.contain('unknown function');
    expect(JSON.parse(failed.args[1] as string).result).to.equal('failed');
    expect(failed.args[2]).to.equal('bc-2');
  });

  it('dbg answers through onDbg: ping, echo, version, server_time, stats; an unknown command is onError(1004)', async () => {
    alice.api.dbg('ping', '7');
    alice.api.dbg('echo', 'hello ✓');
    alice.api.dbg('version', '');
    alice.api.dbg('server_time', '');
    alice.api.dbg('stats', '');
    // The first onDbg answered dbg("server", ...) made by newClient.
    await alice.rec.waitForCount('onDbg', 6);
    const answers = alice.rec.named('onDbg').slice(1).map((e) => e.args);
    expect(answers[0]).to.deep.equal(['pong', '7']);
    expect(answers[1]).to.deep.equal(['echo', 'hello ✓']);
    expect(answers[2][0]).to.equal('version');
    expect(answers[2][1]).to.contain('protocol 1');
    expect(Math.abs(Number(answers[3][1]) - Date.now())).to.be.lessThan(5000);
    expect(JSON.parse(answers[4][1] as string).sessions).to.be.at.least(2);
    alice.api.dbg('no_such_command', '');
    const err = await alice.rec.waitFor('onError');
    expect(err.args[0]).to.equal('dbg');
    expect(err.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
    expect(err.args[2]).to.contain('unknown dbg command');
  });
});
