import { expect } from 'chai';
import { EventKind, FrameType, Op } from '../../lib/protocol';
import { AGORA_E_CODE } from '../../lib/protocol/error-codes';
import { call, event, join, ok, say } from '../02-server/channel-helpers';
import { AdminFixture, sample } from './admin-fixture';

describe('12 operations: /metrics after real traffic', () => {
  const fx = new AdminFixture();
  afterEach(() => fx.stop());

  async function scrape(): Promise<string> {
    const answer = await fx.http('GET', '/metrics');
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    return answer.text;
  }

  it('counts sessions, logins, messages, deliveries, refusals, resumes and bytes by the right amounts', async () => {
    await fx.startWithAdmin({ apps: { acceptAnyAppId: true, apps: [{ appId: 'locked', certificate: 'c'.repeat(32) }] }, memoryBudgetBytes: 64 * 1024 * 1024 });
    const before = await scrape();
    expect(sample(before, 'agora_sig_logins_total{code="0"}')).to.equal(0);
    expect(sample(before, 'agora_sig_memory_budget_limit_bytes')).to.equal(64 * 1024 * 1024);
    // The default process metrics are there, the event loop's lag among them.
    expect(before).to.match(/^nodejs_eventloop_lag_seconds \d/m);
    expect(before).to.match(/^process_resident_memory_bytes \d/m);

    const alice = await fx.loggedIn('demo', 'alice');
    const bob = await fx.loggedIn('demo', 'bob');
    const web = await fx.ws();
    await web.login('demo', 'carol');
    const refused = await fx.tcp();
    await refused.hello();
    refused.sendLogin('locked', 'mallory', 'not-a-token');
    expect((await refused.expect(FrameType.LoginFail)).code).to.equal(AGORA_E_CODE.LOGIN_E_TOKENWRONG);

    for (let i = 0; i < 7; i++) await ok(alice.client, Op.MsgInstant, ['bob', '0', `m${i}`, '']);
    for (let i = 0; i < 7; i++) await event(bob.client, EventKind.InstantMsg);
    const offline = await call(alice.client, Op.MsgInstant, ['nobody', '0', 'x', '']);
    expect(offline.code).to.equal(AGORA_E_CODE.SENDMESSAGE_E_OTHER);
    const badArg = await call(alice.client, Op.MsgInstant, ['', '0', 'x', '']);
    expect(badArg.code).to.equal(AGORA_E_CODE.GENERAL_E_WRONG_PARAM);
    await join(alice.client, 'room');
    await say(alice.client, 'room', 'hello');

    const resumeRefused = await fx.tcp();
    await resumeRefused.hello();
    resumeRefused.send({ type: FrameType.Resume, sessionId: new Uint8Array(16), lastSeq: 0 });
    await resumeRefused.expect(FrameType.ResumeFail);

    const after = await scrape();
    const delta = (series: string): number => sample(after, series) - (Number.isNaN(sample(before, series)) ? 0 : sample(before, series));
    expect(sample(after, 'agora_sig_sessions{transport="tcp"}')).to.equal(2);
    expect(sample(after, 'agora_sig_sessions{transport="ws"}')).to.equal(1);
    expect(sample(after, 'agora_sig_sessions{transport="detached"}')).to.equal(0);
    expect(delta('agora_sig_logins_total{code="0"}')).to.equal(3);
    expect(delta('agora_sig_logins_total{code="206"}')).to.equal(1);
    expect(delta('agora_sig_requests_total{op="MSG_INSTANT"}')).to.equal(9);
    expect(delta('agora_sig_requests_total{op="CHANNEL_JOIN"}')).to.equal(1);
    expect(delta('agora_sig_requests_total{op="MSG_CHANNEL"}')).to.equal(1);
    expect(delta('agora_sig_deliveries_total{kind="instant_msg"}')).to.equal(7);
    expect(delta('agora_sig_deliveries_total{kind="channel_joined"}')).to.equal(1);
    expect(delta('agora_sig_request_refusals_total{code="400"}')).to.equal(1);
    expect(delta('agora_sig_request_refusals_total{code="1004"}')).to.equal(1);
    expect(delta('agora_sig_resumes_total{outcome="refused"}')).to.equal(1);
    expect(delta('agora_sig_resumes_total{outcome="accepted"}')).to.equal(0);
    expect(delta('agora_sig_frames_total{direction="in"}')).to.be.at.least(9 + 4 + 4);
    expect(delta('agora_sig_frame_bytes_total{direction="in"}')).to.be.greaterThan(9 * 20);
    expect(delta('agora_sig_frame_bytes_total{direction="out"}')).to.be.greaterThan(7 * 20);
    expect(sample(after, 'agora_sig_channels')).to.equal(1);
    // Alice acknowledged nothing: her RESULTs and events are kept, the write backlog.
    expect(sample(after, 'agora_sig_write_backlog_bytes')).to.be.greaterThan(0);
    expect(sample(after, 'agora_sig_memory_budget_used_bytes{category="keptFrames"}')).to.equal(sample(after, 'agora_sig_write_backlog_bytes'));
    expect(sample(after, 'agora_sig_memory_budget_ratio')).to.be.greaterThan(0).and.below(1);
    // Per App ID counts are off unless asked for.
    expect(after).not.to.match(/agora_sig_app_sessions/);

    // A dropped connection leaves its session detached until it resumes.
    bob.client.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const dropped = await scrape();
    expect(sample(dropped, 'agora_sig_sessions{transport="tcp"}')).to.equal(1);
    expect(sample(dropped, 'agora_sig_sessions{transport="detached"}')).to.equal(1);
    const back = await fx.tcp();
    await back.hello();
    back.send({ type: FrameType.Resume, sessionId: Buffer.from(bob.sessionId, 'latin1'), lastSeq: 0 });
    await back.expect(FrameType.ResumeOk);
    expect(sample(await scrape(), 'agora_sig_resumes_total{outcome="accepted"}')).to.equal(1);
  });

  it('counts sessions per App ID when asked, and labels every series with the node name', async () => {
    await fx.startWithAdmin({ metricsPerAppId: true }, { metrics: { node: 'node-a' } });
    await fx.loggedIn('app-one', 'alice');
    await fx.loggedIn('app-one', 'bob');
    await fx.loggedIn('app-two', 'carol');
    const text = await scrape();
    expect(sample(text, 'agora_sig_app_sessions{app_id="app-one",node="node-a"}')).to.equal(2);
    expect(sample(text, 'agora_sig_app_sessions{app_id="app-two",node="node-a"}')).to.equal(1);
    expect(sample(text, 'agora_sig_sessions{transport="tcp",node="node-a"}')).to.equal(3);
    expect(text).not.to.match(/redis_round_trip/);
    fx.admin.metrics.redisRoundTripSeconds().set(0.0042);
    expect(sample(await scrape(), 'agora_sig_redis_round_trip_seconds{node="node-a"}')).to.equal(0.0042);
  });

  it('counts connections refused over a connection limit, by reason', async () => {
    await fx.startWithAdmin({ maxConnectionsPerAddress: 2 });
    const a = await fx.tcp();
    const b = await fx.tcp();
    await a.hello();
    await b.hello();
    const c = await fx.tcp();
    await c.waitClosed();
    const text = await scrape();
    const refusals = text.split('\n').filter((l) => l.startsWith('agora_sig_connection_refusals_total{'));
    expect(refusals).to.have.length(1);
    expect(refusals[0]).to.equal('agora_sig_connection_refusals_total{reason="over the per-address limit (2)"} 1');
  });
});
