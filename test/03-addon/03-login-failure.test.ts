import { expect } from 'chai';
import { AGORA_E_CODE, AgoraClient, AgoraError, createAgoraSDKInstanceWin, LoginStatus } from '../../lib';
import { CallbackRecorder, UNREACHABLE_SERVER } from './helpers';

describe('03-addon: login against an unreachable server', function () {
  this.timeout(30000);

  it('login2 with 2 retries within 2 s ends in onLoginFailed(201)', async () => {
    const api = createAgoraSDKInstanceWin('');
    const rec = new CallbackRecorder();
    api.callbackSet(rec.handler);
    api.dbg('server', UNREACHABLE_SERVER);
    try {
      const started = Date.now();
      api.login2('app', 'alice', '_no_need_token', 0, '', 2, 2);
      expect(api.getStatus()).to.be.oneOf([LoginStatus.NOT_LOGGED_IN, LoginStatus.LOGGING_IN]);
      const failed = await rec.waitFor('onLoginFailed', () => true, 20000);
      expect(failed.args).to.deep.equal([AGORA_E_CODE.LOGIN_E_NET]);
      expect(Date.now() - started).to.be.below(15000);
      expect(api.getStatus()).to.equal(LoginStatus.NOT_LOGGED_IN);
      expect(rec.named('onLoginSuccess')).to.have.length(0);
    } finally {
      api.destroy();
    }
  });

  it('AgoraClient.login rejects with an AgoraError carrying 201', async () => {
    const client = new AgoraClient({ server: UNREACHABLE_SERVER });
    try {
      let error: unknown;
      await client.login('bob', { appId: 'app', retryTimeInS: 2, retryCount: 1 }).catch((e) => (error = e));
      expect(error).to.be.instanceOf(AgoraError);
      expect((error as AgoraError).code).to.equal(AGORA_E_CODE.LOGIN_E_NET);
    } finally {
      client.destroy();
    }
  });
});
