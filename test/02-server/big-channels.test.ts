/**
 * Large channels: above `memberEventsLimit` members, joins and leaves are not announced to the
 * other members (CHANNEL_USER_JOINED / CHANNEL_USER_LEFT); the joiner's user list stays the most
 * recent 200; a channel of thousands fills in linear time.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventKind, FrameType, Op, utf8Decode, utf8Encode } from '../../lib/protocol';
import { ChannelService, DEFAULT_MEMBER_EVENTS_LIMIT } from '../../lib/server/channel-service';
import { ConfigError, DEFAULT_CONFIG, loadConfig, resolveConfig, USAGE } from '../../lib/server/config';
import { decimalBytes } from '../../lib/server/decimal';
import type { RequestSender } from '../../lib/server/request-sender';
import type { PreparedEvent } from '../../lib/server/state/prepared-event';
import { Scheduler } from '../../lib/server/state/scheduler';
import { MemoryChannelStore } from '../../lib/server/state/memory-channel-store';
import { MemoryMessageRouter } from '../../lib/server/state/memory-message-router';
import { MemorySessionDirectory } from '../../lib/server/state/memory-session-directory';
import type { SessionEndpoint } from '../../lib/server/state/session-endpoint';
import { isPromise, MaybePromise } from '../../lib/server/state/maybe-promise';
import { act, event, join, ok, quiet, result } from './channel-helpers';
import { ServerFixture } from './server-fixture';

const APP = 'app-big-channels';

describe('02-server: large channels over the protocol (memberEventsLimit 3)', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ memberEventsLimit: 3 }));
  afterEach(() => fixture.stop());

  it('announces joins and leaves while the channel, the member concerned included, has at most 3 members', async () => {
    const [u1, u2, u3, u4] = await Promise.all(['u1', 'u2', 'u3', 'u4'].map((a) => fixture.loggedIn(APP, a)));
    await join(u1.client, 'room');
    await join(u2.client, 'room'); // 2 members: announced
    expect(await event(u1.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'u2', String(u2.uid)]);
    await join(u3.client, 'room'); // 3 members: announced
    expect(await event(u1.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'u3', String(u3.uid)]);
    expect(await event(u2.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'u3', String(u3.uid)]);

    // 4 members: nobody is told, but the joiner's list has everyone and the count says 4.
    const { users } = await join(u4.client, 'room');
    expect(users).to.deep.equal(['u1', String(u1.uid), 'u2', String(u2.uid), 'u3', String(u3.uid), 'u4', String(u4.uid)]);
    await Promise.all([u1, u2, u3].map((u) => quiet(u.client)));
    expect(await ok(u1.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '4']);

    // A leave from 4 members is not announced, by CHANNEL_LEAVE or by the end of the session.
    const reqId = u4.client.request(Op.ChannelLeave, ['room']);
    expect(await event(u4.client, EventKind.ChannelLeft)).to.deep.equal(['room', '602']);
    expect(await result(u4.client)).to.deep.include({ reqId, code: 0 });
    await join(u4.client, 'room');
    u4.client.send({ type: FrameType.Logout });
    expect((await u4.client.expect(FrameType.LoggedOut)).code).to.equal(101);
    await Promise.all([u1, u2, u3].map((u) => quiet(u.client)));
    expect(await ok(u1.client, Op.ChannelQueryNum, ['room'])).to.deep.equal(['room', '3']);

    // Back at the bound: a leave from 3 members is announced, and so is the next join.
    await act(u3.client, Op.ChannelLeave, ['room'], EventKind.ChannelLeft);
    for (const u of [u1, u2]) expect(await event(u.client, EventKind.ChannelUserLeft)).to.deep.equal(['room', 'u3', String(u3.uid)]);
    await join(u3.client, 'room');
    for (const u of [u1, u2]) expect(await event(u.client, EventKind.ChannelUserJoined)).to.deep.equal(['room', 'u3', String(u3.uid)]);
  });

  it('a switch of channel leaves the big one silently and joins the small one announced', async () => {
    const users = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((a) => fixture.loggedIn(APP, a)));
    const [a, b, c, d, e] = users;
    for (const u of [a, b, c]) await join(u.client, 'big');
    await event(a.client, EventKind.ChannelUserJoined);
    await event(a.client, EventKind.ChannelUserJoined);
    await event(b.client, EventKind.ChannelUserJoined);
    await join(d.client, 'big'); // 4 members: silent
    await join(e.client, 'small');
    // d switches: CHANNEL_LEFT to d, nothing to big's members (4 before the leave), USER_JOINED to e.
    const reqId = d.client.request(Op.ChannelJoin, ['small']);
    expect(await event(d.client, EventKind.ChannelLeft)).to.deep.equal(['big', '602']);
    expect(await event(d.client, EventKind.ChannelJoined)).to.deep.equal(['small']);
    await event(d.client, EventKind.ChannelUserList);
    expect(await result(d.client)).to.deep.include({ reqId, code: 0 });
    expect(await event(e.client, EventKind.ChannelUserJoined)).to.deep.equal(['small', 'd', String(d.uid)]);
    await Promise.all([a, b, c].map((u) => quiet(u.client)));
  });
});

describe('02-server: large channels over the protocol (memberEventsLimit 0 = no limit)', () => {
  const fixture = new ServerFixture();
  beforeEach(() => fixture.start({ memberEventsLimit: 0 }));
  afterEach(() => fixture.stop());

  it('announces every join and leave', async () => {
    const users = await Promise.all(['v1', 'v2', 'v3', 'v4', 'v5', 'v6'].map((a) => fixture.loggedIn(APP, a)));
    for (let i = 0; i < users.length; i++) {
      await join(users[i].client, 'lobby');
      for (let j = 0; j < i; j++) expect(await event(users[j].client, EventKind.ChannelUserJoined)).to.deep.equal(['lobby', `v${i + 1}`, String(users[i].uid)]);
    }
    await act(users[5].client, Op.ChannelLeave, ['lobby'], EventKind.ChannelLeft);
    for (let j = 0; j < 5; j++) expect(await event(users[j].client, EventKind.ChannelUserLeft)).to.deep.equal(['lobby', 'v6', String(users[5].uid)]);
  });
});

/** A session without a socket that counts the events it gets, by kind. */
class RecordingEndpoint implements SessionEndpoint, RequestSender {
  readonly appId = 'app';
  readonly accountBytes: Uint8Array;
  readonly uidBytes: Uint8Array;
  joinedChannel: string | null = null;
  readonly counts = new Map<number, number>();
  /** The fields of the last CHANNEL_USER_LIST it got. */
  userList: string[] = [];

  constructor(readonly account: string, readonly uid: number, readonly sessionId: string) {
    this.accountBytes = utf8Encode(account);
    this.uidBytes = decimalBytes(uid);
  }

  deliverEvent(kind: number, fields: Uint8Array[]): boolean {
    if (kind === EventKind.ChannelUserList) this.userList = fields.map(utf8Decode);
    this.count(kind);
    return true;
  }

  deliverPrepared(event: PreparedEvent): boolean {
    this.count(event.kind);
    return true;
  }

  kick(): void {}

  seen(kind: EventKind): number {
    return this.counts.get(kind) ?? 0;
  }

  private count(kind: number): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
}

/** ChannelService with the in-memory store and router, and `n` registered sessions. */
function inProcess(n: number, memberEventsLimit?: number) {
  const scheduler = new Scheduler();
  const directory = new MemorySessionDirectory();
  const store = new MemoryChannelStore(scheduler, { userMessagesPerSecond: 1e6, channelMessagesPerSecond: 1e6, defaultChannelTtlSeconds: 7200 });
  let id = 0;
  const channels = new ChannelService(store, new MemoryMessageRouter(directory), () => ++id, memberEventsLimit);
  const endpoints: RecordingEndpoint[] = [];
  for (let i = 0; i < n; i++) {
    const e = new RecordingEndpoint(`user${i}`, i + 1, `s${i}`);
    directory.register(e);
    endpoints.push(e);
  }
  return { scheduler, directory, store, channels, endpoints };
}

const BIG = utf8Encode('big');

/** The in-memory store answers at once: the value itself, never a promise. */
function now<T>(value: MaybePromise<T>): T {
  expect(isPromise(value), 'a synchronous answer').to.equal(false);
  return value as T;
}

/** The accounts of a CHANNEL_USER_LIST's fields (channel, n, account1, uid1, ...). */
function accountsOf(list: string[]): string[] {
  expect(Number(list[1])).to.equal((list.length - 2) / 2);
  return list.slice(2).filter((_, i) => i % 2 === 0);
}

describe('02-server: large channels in process', () => {
  it('gives the joiner the most recent 200 members in join order, after leaves and a rejoin from a new session', () => {
    const { scheduler, channels, store, directory, endpoints } = inProcess(250);
    for (const e of endpoints) expect(channels.join(e, BIG)).to.deep.include({ code: 0 });
    const last = endpoints[249];
    expect(accountsOf(last.userList)).to.deep.equal(endpoints.slice(50).map((e) => e.account));

    // 30 of the most recent leave; user10 comes back from a new session (it becomes the newest).
    for (const e of endpoints.slice(200, 230)) expect(channels.leaveByRequest(e, BIG)).to.deep.include({ code: 0 });
    const again = new RecordingEndpoint('user10', 11, 's10-again');
    directory.register(again);
    channels.join(again, BIG);
    const expected = [...endpoints.slice(21, 200), ...endpoints.slice(230, 250)].map((e) => e.account).concat('user10');
    expect(expected).to.have.length(200);
    expect(accountsOf(again.userList)).to.deep.equal(expected);
    expect(store.count('app', 'big')).to.equal(220);

    // The RPC user lists: total and the `limit` most recent.
    const recent = now(channels.recentMembers('app', 'big', 3));
    expect(recent.total).to.equal(220);
    expect(recent.members.map((m) => m.account)).to.deep.equal(['user248', 'user249', 'user10']);
    const all = now(channels.recentMembers('app', 'big', 1000));
    expect(all.members.map((m) => m.account)).to.deep.equal([...endpoints.slice(0, 10), ...endpoints.slice(11, 200), ...endpoints.slice(230)].map((e) => e.account).concat('user10'));
    scheduler.stop();
  });

  it(`fills a channel of 3,000 in linear time with the default limit (${DEFAULT_MEMBER_EVENTS_LIMIT}): nobody gets more than 511 joins, everybody the messages`, function () {
    this.timeout(10000);
    const members = 3000;
    const { scheduler, channels, store, endpoints } = inProcess(members);
    const started = process.hrtime.bigint();
    for (const e of endpoints) channels.join(e, BIG);
    const joinMs = Number(process.hrtime.bigint() - started) / 1e6;

    expect(store.count('app', 'big')).to.equal(members);
    const queried = now(channels.queryNum(endpoints[0], BIG));
    expect(queried.values.map(utf8Decode)).to.deep.equal(['big', '3000']);
    // The first member hears the joins of members 2..512; the 512th none after its own.
    expect(endpoints[0].seen(EventKind.ChannelUserJoined)).to.equal(DEFAULT_MEMBER_EVENTS_LIMIT - 1);
    expect(endpoints[DEFAULT_MEMBER_EVENTS_LIMIT - 1].seen(EventKind.ChannelUserJoined)).to.equal(0);
    expect(Math.max(...endpoints.map((e) => e.seen(EventKind.ChannelUserJoined)))).to.equal(DEFAULT_MEMBER_EVENTS_LIMIT - 1);
    expect(endpoints[members - 1].userList.length).to.equal(2 + 2 * 200);

    // A message still reaches all 3,000.
    channels.sendMessage(endpoints[7], BIG, utf8Encode('hello'), false);
    expect(endpoints.every((e) => e.seen(EventKind.ChannelMsg) === 1)).to.equal(true);

    // Everybody leaves, newest first: the last 512 leaves are announced to those still there.
    const leaveStarted = process.hrtime.bigint();
    for (const e of [...endpoints].reverse()) channels.leaveByRequest(e, BIG);
    const leaveMs = Number(process.hrtime.bigint() - leaveStarted) / 1e6;
    expect(store.count('app', 'big')).to.equal(0);
    expect(endpoints[0].seen(EventKind.ChannelUserLeft)).to.equal(DEFAULT_MEMBER_EVENTS_LIMIT - 1);
    expect(endpoints[DEFAULT_MEMBER_EVENTS_LIMIT].seen(EventKind.ChannelUserLeft)).to.equal(0);
    console.log(`      ${members} joins in ${joinMs.toFixed(0)} ms, ${members} leaves in ${leaveMs.toFixed(0)} ms`);
    expect(joinMs + leaveMs).to.be.below(5000);
    scheduler.stop();
  });

  it('with limit 0 every member hears every join', () => {
    const { scheduler, channels, endpoints } = inProcess(600, 0);
    for (const e of endpoints) channels.join(e, BIG);
    expect(endpoints[0].seen(EventKind.ChannelUserJoined)).to.equal(599);
    expect(endpoints[598].seen(EventKind.ChannelUserJoined)).to.equal(1);
    scheduler.stop();
  });
});

describe('02-server: memberEventsLimit configuration', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig-member-events-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to 512 and comes from the file, the environment or the flag, in that precedence', () => {
    expect(DEFAULT_CONFIG.memberEventsLimit).to.equal(512);
    expect(loadConfig([], {}).memberEventsLimit).to.equal(512);
    const file = path.join(dir, 'limit.json');
    fs.writeFileSync(file, JSON.stringify({ memberEventsLimit: 0 }));
    expect(loadConfig(['--config', file], {}).memberEventsLimit).to.equal(0);
    expect(loadConfig(['--config', file], { AGORA_SIG_MEMBER_EVENTS_LIMIT: '100' }).memberEventsLimit).to.equal(100);
    expect(loadConfig(['--config', file, '--member-events-limit', '7'], { AGORA_SIG_MEMBER_EVENTS_LIMIT: '100' }).memberEventsLimit).to.equal(7);
    expect(loadConfig(['--member-events-limit=2000'], {}).memberEventsLimit).to.equal(2000);
    expect(resolveConfig({ memberEventsLimit: 3 }).memberEventsLimit).to.equal(3);
    expect(USAGE).to.contain('--member-events-limit <n>').and.to.contain('AGORA_SIG_MEMBER_EVENTS_LIMIT');
  });

  it('rejects values that are not whole numbers from 0 to 100000000, naming the source', () => {
    const bad: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--member-events-limit', '-1'], {}, /--member-events-limit must be an integer from 0 to 100000000, got "-1"/],
      [['--member-events-limit', '1.5'], {}, /--member-events-limit must be an integer/],
      [[], { AGORA_SIG_MEMBER_EVENTS_LIMIT: 'many' }, /AGORA_SIG_MEMBER_EVENTS_LIMIT must be an integer from 0 to 100000000, got "many"/],
      [['--member-events-limit'], {}, /--member-events-limit needs a value/],
    ];
    for (const [argv, env, message] of bad) expect(() => loadConfig(argv, env)).to.throw(ConfigError, message);
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ memberEventsLimit: '512 members' }));
    expect(() => loadConfig(['--config', file], {})).to.throw(ConfigError, /memberEventsLimit must be an integer from 0 to 100000000/);
    expect(() => resolveConfig({ memberEventsLimit: 100000001 })).to.throw(ConfigError, /memberEventsLimit must be an integer from 0 to 100000000, got 100000001/);
  });
});
