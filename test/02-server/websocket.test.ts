import { expect } from 'chai';
import * as http from 'node:http';
import { FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { ServerFixture } from './server-fixture';

const APP = 'app-ws';

describe('02-server: WebSocket transport', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start());
  afterEach(() => fixture.stop());

  it('logs in and exchanges messages with TCP clients in both directions', async () => {
    const browser = await fixture.ws();
    const welcome = await browser.hello();
    expect(welcome.version).to.equal(1);
    browser.sendLogin(APP, 'browser');
    const ok = await browser.expect(FrameType.LoginOk);
    const native = await fixture.loggedIn(APP, 'native');

    const msg = Buffer.concat([utf8Encode('ünïcode '), Buffer.from([0, 0]), utf8Encode(' tail')]);
    browser.request(Op.MsgInstant, ['native', '0', msg, '']);
    const event = await native.client.expect(FrameType.Event);
    expect(utf8Decode(event.fields[0])).to.equal('browser');
    expect(utf8Decode(event.fields[1])).to.equal(String(ok.uid));
    expect(Buffer.from(event.fields[2]).equals(msg)).to.equal(true);
    expect((await browser.expect(FrameType.Result)).code).to.equal(0);

    native.client.request(Op.MsgInstant, ['browser', '0', 'back', '']);
    expect(utf8Decode((await browser.expect(FrameType.Event)).fields[2])).to.equal('back');
    browser.request(Op.QueryUserStatus, ['native']);
    expect(utf8Decode((await browser.expect(FrameType.Result)).values[0])).to.equal('1');
  });

  it('answers plain HTTP on the WebSocket port without crashing', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`http://127.0.0.1:${fixture.address.wsPort}/no-such-page`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).to.equal(404);
  });
});
