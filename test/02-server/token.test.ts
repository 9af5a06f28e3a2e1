import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { checkSignalingToken, makeSignalingToken } from '../../lib/server/token';

const APP_ID = '970ca35de60c44645bbae8a215061b33';
const CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b';
const VECTOR = '1:970ca35de60c44645bbae8a215061b33:1446455471:4815d52c4fd440bac35b981c12798774';

describe('02-server: SignalingToken', () => {
  it('matches the published test vector', () => {
    expect(makeSignalingToken(APP_ID, CERTIFICATE, 'TestAccount', 1446455471)).to.equal(VECTOR);
  });

  it('accepts the vector before its expiry and calls it expired afterwards', () => {
    expect(checkSignalingToken(VECTOR, APP_ID, CERTIFICATE, 'TestAccount', 1446455470 * 1000)).to.deep.equal({ status: 'ok', expiredTs: 1446455471 });
    expect(checkSignalingToken(VECTOR, APP_ID, CERTIFICATE, 'TestAccount', 1446455471 * 1000)).to.deep.equal({ status: 'expired', expiredTs: 1446455471 });
    expect(checkSignalingToken(VECTOR, APP_ID, CERTIFICATE, 'TestAccount').status).to.equal('expired');
  });

  it('calls a token wrong for another account, App ID, certificate, or a tampered one', () => {
    const now = 1446455000 * 1000;
    expect(checkSignalingToken(VECTOR, APP_ID, CERTIFICATE, 'OtherAccount', now).status).to.equal('wrong');
    expect(checkSignalingToken(VECTOR, APP_ID, 'ffffffffffffffffffffffffffffffff', 'TestAccount', now).status).to.equal('wrong');
    expect(checkSignalingToken(VECTOR, '00000000000000000000000000000000', CERTIFICATE, 'TestAccount', now).status).to.equal('wrong');
    expect(checkSignalingToken(VECTOR.replace(':1446455471:', ':1446455472:'), APP_ID, CERTIFICATE, 'TestAccount', now).status).to.equal('wrong');
    for (const bad of ['', '_no_need_token', '1:x', '2:' + VECTOR.slice(2), VECTOR + ':', VECTOR.slice(0, -1)]) {
      expect(checkSignalingToken(bad, APP_ID, CERTIFICATE, 'TestAccount', now).status, bad).to.equal('wrong');
    }
  });

  it('is printed by the token command', () => {
    const cli = path.join(__dirname, '../../lib/server/token-cli.js');
    const out = execFileSync(process.execPath, [cli, APP_ID, CERTIFICATE, 'TestAccount', '--expired-ts', '1446455471'], { encoding: 'utf8' });
    expect(out.trim()).to.equal(VECTOR);
    const fresh = execFileSync(process.execPath, [cli, APP_ID, CERTIFICATE, 'TestAccount', '120'], { encoding: 'utf8' }).trim();
    const check = checkSignalingToken(fresh, APP_ID, CERTIFICATE, 'TestAccount');
    expect(check.status).to.equal('ok');
    const expiredTs = (check as { expiredTs: number }).expiredTs;
    expect(Math.abs(expiredTs - (Math.floor(Date.now() / 1000) + 120))).to.be.at.most(2);
  });
});
