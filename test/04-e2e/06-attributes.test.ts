import { expect } from 'chai';
import { AGORA_E_CODE } from '../../lib';
import { Client, SuiteServer, joinOk, sleep } from './harness';

// Channel attributes (updates to every member, limits, built-ins) and user attributes (results,
// missing ones, outliving logout) as an application sees them through the addon.
describe('04 e2e: channel and user attributes through the addon', function () {
  this.timeout(60000);
  const suite = new SuiteServer();
  const clients = suite.clients;
  const user = (account: string, port?: number): Promise<Client> => suite.user(account, port);

  it('set, del and clear reach every member, the setter included; a non-member may set but hears nothing', async () => {
    const a = await user('attr-a');
    const b = await user('attr-b');
    const outsider = await user('attr-out');
    await joinOk(a, 'attrs');
    await joinOk(b, 'attrs');
    // One change at a time: changes from different instances have no order between them.
    const changes = [
      () => a.api.channelSetAttr('attrs', 'color', 'blue ✓'),
      () => outsider.api.channelSetAttr('attrs', 'size', 'L'),
      () => a.api.channelDelAttr('attrs', 'color'),
      () => b.api.channelClearAttr('attrs'),
    ];
    for (const [i, change] of changes.entries()) {
      change();
      for (const c of [a, b]) await c.rec.waitForCount('onChannelAttrUpdated', i + 1);
    }
    const want = [
      ['attrs', 'color', 'blue ✓', 'update'],
      ['attrs', 'size', 'L', 'update'],
      ['attrs', 'color', '', 'del'],
      ['attrs', '', '', 'clear'],
    ];
    for (const c of [a, b]) expect(c.rec.named('onChannelAttrUpdated').map((e) => e.args)).to.deep.equal(want);
    await sleep(100);
    expect(outsider.rec.count('onChannelAttrUpdated')).to.equal(0);
    expect(outsider.rec.count('onError')).to.equal(0);
  });

  it('refuses an attribute name over 128 bytes and a value over 8096 with 1005, an empty name with 1004', async () => {
    const a = await user('attr-limits');
    await joinOk(a, 'limits');
    a.api.channelSetAttr('limits', 'n'.repeat(129), 'v');
    a.api.channelSetAttr('limits', 'big', 'v'.repeat(8097));
    a.api.channelSetAttr('limits', '', 'v');
    a.api.channelDelAttr('limits', 'n'.repeat(129));
    await a.rec.waitForCount('onError', 4);
    expect(a.rec.named('onError').map((e) => [e.args[0], e.args[1]])).to.deep.equal([
      ['channelSetAttr', AGORA_E_CODE.GENERAL_E_LARGE_PARAM],
      ['channelSetAttr', AGORA_E_CODE.GENERAL_E_LARGE_PARAM],
      ['channelSetAttr', AGORA_E_CODE.GENERAL_E_WRONG_PARAM],
      ['channelDelAttr', AGORA_E_CODE.GENERAL_E_LARGE_PARAM],
    ]);
    a.api.channelSetAttr('limits', 'n'.repeat(128), 'v'.repeat(8096));
    const ok = await a.rec.waitFor('onChannelAttrUpdated');
    expect(ok.args[1]).to.equal('n'.repeat(128));
    expect((ok.args[2] as string).length).to.equal(8096);
    expect(a.rec.count('onError')).to.equal(4);
  });

  it('_setattr_limit bounds changes per second per attribute, naming the limit in onError', async () => {
    const a = await user('setattr-limit');
    await joinOk(a, 'throttled');
    a.api.channelSetAttr('throttled', '_setattr_limit', '2');
    await a.rec.waitFor('onChannelAttrUpdated');
    for (let i = 0; i < 8; i++) a.api.channelSetAttr('throttled', 'x', String(i));
    const err = await a.rec.waitFor('onError');
    expect(err.args[0]).to.equal('channelSetAttr');
    expect(err.args[2]).to.contain('_setattr_limit');
    await sleep(200);
    // At most 2 per second per attribute; 8 quick writes span at most two seconds.
    expect(a.rec.named('onChannelAttrUpdated').filter((e) => e.args[1] === 'x').length).to.be.at.most(4);
  });

  it('_auto_update_num makes the server write _member_num for the members', async () => {
    const a = await user('counter-a');
    const b = await user('counter-b');
    await joinOk(a, 'auto');
    a.api.channelSetAttr('auto', '_auto_update_num', '1');
    await a.rec.waitFor('onChannelAttrUpdated');
    await joinOk(b, 'auto');
    const num = await a.rec.waitFor('onChannelAttrUpdated', (args) => args[1] === '_member_num', 5000);
    expect(num.args).to.deep.equal(['auto', '_member_num', '2', 'update']);
  });

  it('attributes outlive the last member by _channel_ttl seconds, then the channel is gone', async () => {
    const a = await user('ttl-a');
    await joinOk(a, 'ephemeral');
    a.api.channelSetAttr('ephemeral', '_channel_ttl', '1');
    a.api.channelSetAttr('ephemeral', 'kept', 'yes');
    await a.rec.waitForCount('onChannelAttrUpdated', 2);
    a.api.channelLeave('ephemeral');
    await a.rec.waitFor('onChannelLeaved');
    // Back before the TTL: the attributes are still there.
    await joinOk(a, 'ephemeral');
    await a.rec.waitForCount('onChannelAttrUpdated', 4);
    a.api.channelLeave('ephemeral');
    await a.rec.waitForCount('onChannelLeaved', 2);
    await sleep(1600);
    const before = a.rec.count('onChannelAttrUpdated');
    await joinOk(a, 'ephemeral');
    await a.rec.waitForCount('onChannelUserList', 3);
    await sleep(200);
    expect(a.rec.count('onChannelAttrUpdated')).to.equal(before);
  });

  it('user attributes: setAttr, getAttr, getAttrAll, getUserAttr(All); a missing one is empty; they outlive logout', async () => {
    const alice = await user('ua-alice');
    const bob = await user('ua-bob');
    alice.api.setAttr('color', 'blue');
    alice.api.setAttr('mood', 'calm ✓');
    alice.api.getAttr('color');
    alice.api.getAttr('missing');
    alice.api.getAttrAll();
    await alice.rec.waitForCount('onUserAttrResult', 2);
    expect(alice.rec.named('onUserAttrResult').map((e) => e.args)).to.deep.equal([
      ['ua-alice', 'color', 'blue'],
      ['ua-alice', 'missing', ''],
    ]);
    const all = await alice.rec.waitFor('onUserAttrAllResult');
    expect(all.args[0]).to.equal('ua-alice');
    expect(JSON.parse(all.args[1] as string)).to.deep.equal({ color: 'blue', mood: 'calm ✓' });
    expect(alice.rec.count('onError')).to.equal(0);

    alice.api.logout();
    await alice.rec.waitFor('onLogout');
    bob.api.getUserAttr('ua-alice', 'mood');
    bob.api.getUserAttrAll('ua-alice');
    bob.api.getUserAttrAll('never-seen');
    expect((await bob.rec.waitFor('onUserAttrResult')).args).to.deep.equal(['ua-alice', 'mood', 'calm ✓']);
    await bob.rec.waitForCount('onUserAttrAllResult', 2);
    const [aliceAll, none] = bob.rec.named('onUserAttrAllResult');
    expect(JSON.parse(aliceAll.args[1] as string)).to.deep.equal({ color: 'blue', mood: 'calm ✓' });
    expect(none.args).to.deep.equal(['never-seen', '{}']);
  });

  it('user attribute limits: name over 128 bytes or value over 8096 is 1005, empty name 1004', async () => {
    const a = await user('ua-limits');
    a.api.setAttr('n'.repeat(129), 'v');
    a.api.setAttr('big', 'v'.repeat(8097));
    a.api.setAttr('', 'v');
    a.api.getUserAttr('', 'x');
    await a.rec.waitForCount('onError', 4);
    expect(a.rec.named('onError').map((e) => [e.args[0], e.args[1]])).to.deep.equal([
      ['setAttr', 1005],
      ['setAttr', 1005],
      ['setAttr', 1004],
      ['getUserAttr', 1004],
    ]);
    a.api.setAttr('n'.repeat(128), 'v'.repeat(8096));
    a.api.getAttr('n'.repeat(128));
    const got = await a.rec.waitFor('onUserAttrResult');
    expect((got.args[2] as string).length).to.equal(8096);
  });
});
