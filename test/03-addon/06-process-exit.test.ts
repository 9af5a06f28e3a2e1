import { expect } from 'chai';
import { runFixture } from './helpers';

describe('03-addon: process exit', function () {
  this.timeout(40000);

  it('exits by itself, code 0, once every instance is destroyed', async () => {
    const r = await runFixture('exit-after-destroy', [], 10000);
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('all destroyed');
    expect(r.ms).to.be.below(5000);
  });

  it('exits by itself with an idle instance that is never destroyed', async () => {
    const r = await runFixture('exit-idle', [], 10000);
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('created');
    expect(r.ms).to.be.below(5000);
  });

  it('process.exit() while logins are in flight exits cleanly', async () => {
    const r = await runFixture('exit-during-login', ['exit'], 10000);
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('login started');
  });

  it('an uncaught exception while logins are in flight exits with code 1, not a crash', async () => {
    const r = await runFixture('exit-during-login', ['throw'], 10000);
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('deliberate failure while logging in');
  });

  it('a pending login keeps the process alive until onLoginFailed, then it exits', async () => {
    const r = await runFixture('exit-during-login', ['wait'], 25000);
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(0);
    const failures = r.stdout.split('\n').filter((l) => l.startsWith('onLoginFailed 201'));
    expect(failures, r.stdout).to.have.length(2);
  });
});
