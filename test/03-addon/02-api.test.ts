import { expect } from 'chai';
import {
  AGORA_E_CODE,
  createAgoraSDKInstanceCPP,
  createAgoraSDKInstanceWin,
  getAgoraSDKInstanceCPP,
  getAgoraSDKInstanceWin,
  IAgoraAPI,
  LoginStatus,
} from '../../lib';
import { CallbackRecorder, sleep, UNREACHABLE_SERVER } from './helpers';

describe('03-addon: API calls without a server', () => {
  let api: IAgoraAPI;
  let rec: CallbackRecorder;

  beforeEach(() => {
    api = createAgoraSDKInstanceWin('');
    rec = new CallbackRecorder();
    api.callbackSet(rec.handler);
    api.dbg('server', UNREACHABLE_SERVER);
  });

  afterEach(() => api.destroy());

  it('reports the SDK version and an idle status', () => {
    expect(api.getSdkVersion()).to.equal(1000100000);
    expect(api.getStatus()).to.equal(LoginStatus.NOT_LOGGED_IN);
    expect(api.isOnline()).to.equal(false);
  });

  it('returns the installed callbacks', () => {
    expect(api.callbackGet()).to.equal(rec.handler);
    api.callbackSet(null);
    expect(api.callbackGet()).to.equal(null);
  });

  it('answers calls made while not logged in with onError(1003)', async () => {
    api.channelJoin('lobby');
    const seen = await rec.waitFor('onError', (a) => a[0] === 'channelJoin');
    expect(seen.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_NOT_LOGIN);
    expect(seen.args[2]).to.be.a('string').and.not.equal('');
  });

  it('rejects a channel name over 128 bytes with onError(1005)', async () => {
    api.channelJoin('c'.repeat(129));
    const seen = await rec.waitFor('onError', (a) => a[0] === 'channelJoin');
    expect(seen.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
  });

  it('rejects an empty channel name with onError(1004)', async () => {
    api.channelJoin('');
    const seen = await rec.waitFor('onError', (a) => a[0] === 'channelJoin');
    expect(seen.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
  });

  it('rejects a 9 KiB message with onError(1005) and onMessageSendError', async () => {
    api.messageInstantSend('peer', 0, Buffer.alloc(9 * 1024, 0x61), 'm-big');
    const error = await rec.waitFor('onError', (a) => a[0] === 'messageInstantSend');
    expect(error.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_LARGE_PARAM);
    const failed = await rec.waitFor('onMessageSendError');
    expect(failed.args).to.deep.equal(['m-big', AGORA_E_CODE.GENERAL_E_LARGE_PARAM]);
  });

  it('delivers UTF-8 strings intact through the bridge', async () => {
    api.dbg('server', 'not a host:port ✓');
    const seen = await rec.waitFor('onError', (a) => a[0] === 'dbg');
    expect(seen.args[1]).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
    expect(seen.args[2]).to.be.a('string');
  });

  it('throws TypeError / RangeError for arguments of the wrong type', () => {
    const loose = api as unknown as Record<string, (...args: unknown[]) => void>;
    expect(() => loose.channelJoin(42)).to.throw(TypeError, /channelJoin\(\).*channelID.*string or a Buffer/);
    expect(() => loose.channelJoin()).to.throw(TypeError, /got undefined/);
    expect(() => loose.messageInstantSend('peer', 'zero', 'hi', 'id')).to.throw(TypeError, /uid/);
    expect(() => loose.messageInstantSend('peer', -1, 'hi', 'id')).to.throw(RangeError, /uid/);
    expect(() => loose.setBackground(1.5)).to.throw(RangeError, /bOut/);
    expect(() => loose.login2('', 'a', 't', 0, '', 'soon')).to.throw(TypeError, /retry_time_in_s/);
    expect(() => api.callbackSet(42 as never)).to.throw(TypeError);
  });

  it('makes destroy idempotent and every later call a clear error', () => {
    api.destroy();
    api.destroy();
    api.destory();
    expect(() => api.getStatus()).to.throw(Error, /getStatus\(\).*destroyed/);
    expect(() => api.channelJoin('x')).to.throw(Error, /channelJoin\(\).*destroyed/);
    expect(() => api.callbackSet(rec.handler)).to.throw(Error, /destroyed/);
  });

  it('runs no callback after destroy', async () => {
    for (let i = 0; i < 50; i++) api.channelJoin('');
    api.destroy();
    const before = rec.seen.length;
    await sleep(200);
    expect(rec.seen.length).to.equal(before);
  });

  it('keeps delivering the rest of a batch when a handler throws', async () => {
    const thrown: unknown[] = [];
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (err) => thrown.push(err));
    try {
      let calls = 0;
      api.callbackSet({
        onError(name) {
          calls++;
          if (name === 'channelLeave') throw new Error('handler failure');
        },
      });
      api.channelLeave('a');
      api.channelJoin('b');
      api.channelQueryUserNum('c');
      const deadline = Date.now() + 5000;
      while (calls < 3 && Date.now() < deadline) await sleep(20);
      await sleep(20);
      expect(calls).to.equal(3);
      expect(thrown).to.have.length(1);
      expect((thrown[0] as Error).message).to.equal('handler failure');
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const h of mochaHandlers) process.on('uncaughtException', h);
    }
  });
});

describe('03-addon: factories', () => {
  it('getAgoraSDKInstanceWin returns one instance per environment until it is destroyed', () => {
    const a = getAgoraSDKInstanceWin('app');
    const b = getAgoraSDKInstanceWin();
    expect(a).to.equal(b);
    expect(getAgoraSDKInstanceCPP()).to.equal(a);
    a.destroy();
    const c = getAgoraSDKInstanceWin();
    expect(c).to.not.equal(a);
    expect(c.getStatus()).to.equal(LoginStatus.NOT_LOGGED_IN);
    c.destroy();
  });

  it('createAgoraSDKInstanceWin / CPP return independent instances', () => {
    const a = createAgoraSDKInstanceWin('app');
    const b = createAgoraSDKInstanceWin('app');
    const c = createAgoraSDKInstanceCPP();
    expect(a).to.not.equal(b);
    a.destroy();
    expect(b.getStatus()).to.equal(LoginStatus.NOT_LOGGED_IN);
    expect(c.getSdkVersion()).to.equal(1000100000);
    b.destroy();
    c.destroy();
  });
});
