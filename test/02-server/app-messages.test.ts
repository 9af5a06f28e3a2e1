import { expect } from 'chai';
import { EventKind, Op, utf8Decode } from '../../lib/protocol';
import type { AppMessage } from '../../lib/server/app-message-hub';
import { call, event, ok } from './channel-helpers';
import { ServerFixture } from './server-fixture';

describe('02-server: app messages', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start());
  afterEach(() => fixture.stop());

  it('hands MSG_APP to the back end listening on server.appMessages, and answers the serverMsgId', async () => {
    const received: AppMessage[] = [];
    fixture.server.appMessages.on('message', (m) => received.push(m));
    const alice = await fixture.loggedIn('app-1', 'alice');
    const msg = Buffer.from([0x68, 0x69, 0x00, 0xff]);
    const [serverMsgId] = await ok(alice.client, Op.MsgApp, [msg]);
    expect(received).to.have.length(1);
    expect(received[0]).to.deep.include({ appId: 'app-1', account: 'alice', uid: alice.uid, serverMsgId: Number(serverMsgId) });
    expect(received[0].msg.equals(msg)).to.equal(true);
    expect((await call(alice.client, Op.MsgApp, [new Uint8Array(8193)])).code).to.equal(1005);
    expect((await call(alice.client, Op.MsgApp, [])).code).to.equal(1004);
  });

  it('refuses MSG_APP with 400 when no back end listens', async () => {
    const alice = await fixture.loggedIn('app-1', 'alice');
    const r = await call(alice.client, Op.MsgApp, ['hello']);
    expect(r.code).to.equal(400);
    expect(utf8Decode(r.text)).to.equal('no application back end is listening for app messages');
  });

  it('pushes APP_MSG to a user with server.pushAppMessage; false for an offline one', async () => {
    const alice = await fixture.loggedIn('app-1', 'alice');
    expect(await fixture.server.pushAppMessage('app-1', 'alice', 'from the back end ✓')).to.equal(true);
    expect(await event(alice.client, EventKind.AppMsg)).to.deep.equal(['from the back end ✓']);
    expect(await fixture.server.pushAppMessage('app-1', 'nobody', 'x')).to.equal(false);
    expect(await fixture.server.pushAppMessage('app-2', 'alice', 'x')).to.equal(false);
  });
});
