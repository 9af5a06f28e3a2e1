import { expect } from 'chai';
import { FrameType, Op, utf8Decode } from '../../lib/protocol';
import { call, ok } from './channel-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-user-attrs';

describe('02-server: user attributes', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ maxUserAttrsPerAccount: 3 }));
  afterEach(() => fixture.stop());

  it('sets and gets attributes of any account; a missing one is an empty value; an empty account means oneself', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    const bob = await fixture.loggedIn(APP, 'bob');
    expect(await ok(alice.client, Op.UserSetAttr, ['color', 'blue'])).to.deep.equal([]);
    await ok(alice.client, Op.UserSetAttr, ['名字', '爱丽丝']);
    expect(await ok(bob.client, Op.UserGetAttr, ['alice', 'color'])).to.deep.equal(['alice', 'color', 'blue']);
    expect(await ok(bob.client, Op.UserGetAttr, ['alice', 'missing'])).to.deep.equal(['alice', 'missing', '']);
    expect(await ok(alice.client, Op.UserGetAttr, ['', 'color'])).to.deep.equal(['alice', 'color', 'blue']);
    const [account, json] = await ok(bob.client, Op.UserGetAttrAll, ['alice']);
    expect(account).to.equal('alice');
    expect(JSON.parse(json)).to.deep.equal({ color: 'blue', 名字: '爱丽丝' });
    expect(await ok(bob.client, Op.UserGetAttrAll, ['nobody'])).to.deep.equal(['nobody', '{}']);
    await ok(alice.client, Op.UserSetAttr, ['color', '']); // an empty value deletes
    expect(JSON.parse((await ok(alice.client, Op.UserGetAttrAll, ['']))[1])).to.deep.equal({ 名字: '爱丽丝' });
  });

  it('outlive logout and belong to (App ID, account)', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.UserSetAttr, ['level', '7']);
    alice.client.send({ type: FrameType.Logout });
    await alice.client.expect(FrameType.LoggedOut);
    const bob = await fixture.loggedIn(APP, 'bob');
    expect(await ok(bob.client, Op.UserGetAttr, ['alice', 'level'])).to.deep.equal(['alice', 'level', '7']);
    const other = await fixture.loggedIn('other-app', 'bob');
    expect(await ok(other.client, Op.UserGetAttr, ['alice', 'level'])).to.deep.equal(['alice', 'level', '']);
  });

  it('refuses bad input: name 1..128 bytes, value up to 8096, the per-account bound, bad accounts and argument counts', async () => {
    const alice = await fixture.loggedIn(APP, 'alice');
    await ok(alice.client, Op.UserSetAttr, ['n'.repeat(128), 'v'.repeat(8096)]);
    const cases: [Op, string[], number][] = [
      [Op.UserSetAttr, ['n'.repeat(129), 'v'], 1005],
      [Op.UserSetAttr, ['name', 'v'.repeat(8097)], 1005],
      [Op.UserSetAttr, ['', 'v'], 1004],
      [Op.UserSetAttr, ['name'], 1004],
      [Op.UserGetAttr, ['a b', 'name'], 1004],
      [Op.UserGetAttr, ['alice', ''], 1004],
      [Op.UserGetAttrAll, ['x'.repeat(129)], 1004],
      [Op.UserGetAttrAll, [], 1004],
    ];
    for (const [op, args, code] of cases) {
      const r = await call(alice.client, op, args);
      expect(r.code, `${op} ${args.join(',').slice(0, 20)}`).to.equal(code);
      expect(utf8Decode(r.text)).to.not.equal('');
    }
    await ok(alice.client, Op.UserSetAttr, ['two', '2']);
    await ok(alice.client, Op.UserSetAttr, ['three', '3']);
    const full = await call(alice.client, Op.UserSetAttr, ['four', '4']);
    expect(full.code).to.equal(1005);
    expect(utf8Decode(full.text)).to.equal('an account holds at most 3 attributes');
    await ok(alice.client, Op.UserSetAttr, ['two', 'changed']); // replacing is fine
  });
});
