/**
 * Call invitations on top of an InviteStore, the SessionDirectory and the MessageRouter: inviting
 * users and phone numbers (through the App ID's SIP gateway), answers, ends, DTMF, deadlines, and
 * what happens to a session's invitations when it logs in or ends. Events to the acting session
 * are sequenced before its RESULT; events to the other party go through the router to that party's
 * session only (a later session of the same account does not know the invitation).
 */
import { randomUUID } from 'node:crypto';
import { EventKind } from '../protocol';
import { accountProblem } from './account';
import { channelNameRefusal } from './state/channel-rules';
import { latin1 } from './state/latin1';
import { decimalBytes } from './decimal';
import { AGORA_E_CODE } from '../protocol/error-codes';
import { failure, Reply, success } from './reply';
import { RequestSender } from './request-sender';
import type { InviteConfig } from './invite-config';
import { DTMF_MSG_TYPE, dtmfProblem, inviteOptions, isReply, numberProblem, parseExtra, uidArg } from './invite-rules';
import type { Invitation, InviteExpiry, InviteStore } from './state/invite-store';
import { isPromise, MaybePromise, then } from './state/maybe-promise';
import type { MessageRouter } from './state/message-router';
import type { SessionDirectory } from './state/session-directory';
import type { Delivery } from './state/session-endpoint';

const EMPTY = new Uint8Array(0);
const ZERO = decimalBytes(0);
const DTMF = bytes(DTMF_MSG_TYPE);
const TIMEOUT_REASON = bytes(JSON.stringify({ _reason: 'timeout' }));

function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

function key(b: Uint8Array): string {
  return latin1(b);
}

function keyBytes(k: string): Uint8Array {
  return new Uint8Array(Buffer.from(k, 'latin1'));
}

function utf8(k: string): string {
  return Buffer.from(k, 'latin1').toString('utf8');
}

/** Which answer a callee gives. */
export type InviteAnswer = 'accept' | 'refuse';

/** The sender's side of an invitation found for a request. */
interface Found {
  invitation: Invitation;
  asCaller: boolean;
}

export interface InviteServiceSettings extends InviteConfig {
  /** The SIP gateway account (latin1) of an App ID (latin1), or null when it has none. */
  gatewayOf(appId: string): string | null;
}

export class InviteService {
  constructor(
    private readonly store: InviteStore,
    private readonly directory: SessionDirectory,
    private readonly router: MessageRouter,
    private readonly settings: InviteServiceSettings,
    private readonly onError: (what: string, e: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    store.setListener({ expired: (invitation, why) => this.expired(invitation, why) });
  }

  /** INVITE_USER: see docs/protocol.md, "Invitations". */
  inviteUser(sender: RequestSender, channelBytes: Uint8Array, callee: Uint8Array, uid: Uint8Array, extra: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(channelBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const problem = accountProblem(callee);
    if (problem !== null) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid account: ${problem}`);
    const uidValue = uidArg(uid);
    if (isReply(uidValue)) return uidValue;
    const options = inviteOptions(extra);
    if (isReply(options)) return options;
    const calleeKey = key(callee);
    if (calleeKey === sender.account) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, 'cannot invite oneself');
    const invitation = this.make(sender, channelBytes, calleeKey, calleeKey, false, extra, extra.slice(), options.timeoutSeconds);
    return this.addWithinBound(sender, invitation, (existing) => {
      if (existing !== null) return this.reinvite(sender, invitation, existing);
      return then(this.directory.lookup(sender.appId, calleeKey), (session) => {
        if (session !== null) return this.deliver(sender, invitation, session);
        if (!options.requirePeerOnline) return success();
        return then(this.store.remove(invitation.id), () => this.failNow(sender, invitation, AGORA_E_CODE.INVITE_E_PEEROFFLINE));
      });
    });
  }

  /** INVITE_PHONE: an invitation of the phone number, delivered to the App ID's SIP gateway. */
  invitePhone(sender: RequestSender, channelBytes: Uint8Array, phoneNum: Uint8Array, sourceNum: Uint8Array, extra: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(channelBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const wrong = numberProblem(phoneNum, 'phoneNum') ?? (sourceNum.length > 0 ? numberProblem(sourceNum, 'sourceNum') : null);
    if (wrong !== null) return wrong;
    const options = inviteOptions(extra);
    if (isReply(options)) return options;
    if (options.object === null) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, 'extra of a phone invitation must be a JSON object (or empty)');
    const merged: Record<string, unknown> = { ...options.object, phoneNum: Buffer.from(phoneNum).toString('utf8') };
    if (sourceNum.length > 0) merged.srcNum = Buffer.from(sourceNum).toString('utf8');
    const gateway = this.settings.gatewayOf(sender.appId);
    const invitation = this.make(sender, channelBytes, key(phoneNum), gateway ?? '', true, extra, bytes(JSON.stringify(merged)), options.timeoutSeconds);
    if (gateway === null) return this.failNow(sender, invitation, AGORA_E_CODE.INVITE_E_PEEROFFLINE);
    return this.addWithinBound(sender, invitation, (existing) => {
      if (existing !== null) return this.reinvite(sender, invitation, existing);
      return then(this.directory.lookup(sender.appId, gateway), (session) => {
        if (session !== null) return this.deliver(sender, invitation, session);
        return then(this.store.remove(invitation.id), () => this.failNow(sender, invitation, AGORA_E_CODE.INVITE_E_PEEROFFLINE));
      });
    });
  }

  /** INVITE_ACCEPT and INVITE_REFUSE: the callee's answer to a ringing invitation. */
  answer(sender: RequestSender, answer: InviteAnswer, channelBytes: Uint8Array, caller: Uint8Array, uid: Uint8Array, extra: Uint8Array): MaybePromise<Reply> {
    const checked = this.checkPeerRequest(channelBytes, caller, uid, extra);
    if (checked !== null) return checked;
    return then(this.findReceived(sender, key(channelBytes), key(caller), extra), (found) => {
      if (isReply(found)) return found;
      if (found === null) return this.noInvitation(channelBytes, caller, 'from');
      const what = `the invitation to channel "${utf8(found.channel)}" from ${utf8(found.caller.account)}`;
      if (found.state === 'accepted') return failure(AGORA_E_CODE.INVITE_E_OTHER, `${what} is already accepted${answer === 'refuse' ? ' (end it with INVITE_END)' : ''}`);
      const changed = answer === 'accept' ? this.store.accept(found.id) : this.store.remove(found.id);
      return then(changed, (invitation) => {
        if (invitation === null) return this.noInvitation(channelBytes, caller, 'from');
        const kind = answer === 'accept' ? EventKind.InviteAcceptedByPeer : EventKind.InviteRefusedByPeer;
        return then(this.toCaller(invitation, kind, [...this.calleeSeenByCaller(invitation), extra.slice()]), () => success());
      });
    });
  }

  /** INVITE_END: either party ends a live invitation (withdraws it, refuses it or hangs up). */
  end(sender: RequestSender, channelBytes: Uint8Array, peer: Uint8Array, uid: Uint8Array, extra: Uint8Array): MaybePromise<Reply> {
    const checked = this.checkPeerRequest(channelBytes, peer, uid, extra);
    if (checked !== null) return checked;
    return then(this.findEither(sender, key(channelBytes), key(peer), extra), (found) => {
      if (isReply(found)) return found;
      if (found === null) return this.noInvitation(channelBytes, peer, 'with');
      return then(this.store.remove(found.invitation.id), (invitation) => {
        if (invitation === null) return this.noInvitation(channelBytes, peer, 'with');
        const peerExtra = extra.slice();
        if (found.asCaller) {
          const told = invitation.state === 'waiting' ? false : this.toHolder(invitation, EventKind.InviteEndByPeer, [...this.callerFields(invitation), peerExtra]);
          return then(told, () => {
            sender.deliverEvent(EventKind.InviteEndByMyself, this.calleeSeenByCaller(invitation));
            return success();
          });
        }
        return then(this.toCaller(invitation, EventKind.InviteEndByPeer, [...this.calleeSeenByCaller(invitation), peerExtra]), () => {
          sender.deliverEvent(EventKind.InviteEndByMyself, this.callerFields(invitation));
          return success();
        });
      });
    });
  }

  /** INVITE_DTMF: digits to the other party of a ringing or accepted invitation. */
  dtmf(sender: RequestSender, channelBytes: Uint8Array, peer: Uint8Array, digits: Uint8Array): MaybePromise<Reply> {
    const refusal = channelNameRefusal(channelBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const wrong = numberProblem(peer, 'peer') ?? dtmfProblem(digits);
    if (wrong !== null) return wrong;
    return then(this.findEither(sender, key(channelBytes), key(peer), EMPTY), (found) => {
      if (isReply(found)) return found;
      if (found === null) return this.noInvitation(channelBytes, peer, 'with');
      return then(this.sendDtmf(found, digits), (reply) => reply);
    });
  }

  /** MSG_DTMF: digits to the other party of the sender's latest ringing or accepted invitation (with that party's uid, unless 0). */
  dtmfToCurrentCall(sender: RequestSender, uid: Uint8Array, digits: Uint8Array, serverMsgId: () => number): MaybePromise<Reply> {
    const uidValue = uidArg(uid);
    if (isReply(uidValue)) return uidValue;
    const wrong = dtmfProblem(digits);
    if (wrong !== null) return wrong;
    return then(this.store.ofSession(sender.sessionId), (all) => {
      let current: Found | null = null;
      for (const invitation of all) {
        if (invitation.state === 'waiting') continue;
        const asCaller = invitation.caller.sessionId === sender.sessionId;
        const peerUid = asCaller ? this.calleeUidForCaller(invitation) : invitation.caller.uid;
        if (uidValue === 0 || peerUid === uidValue) current = { invitation, asCaller };
      }
      if (current === null) return failure(AGORA_E_CODE.INVITE_E_OTHER, uidValue === 0 ? 'no call to send DTMF in' : `no call with uid ${uidValue} to send DTMF in`);
      return then(this.sendDtmf(current, digits), (reply) => (reply.code === 0 ? success([decimalBytes(serverMsgId())]) : reply));
    });
  }

  /** A session logged in: the invitations that waited for its account ring now. */
  sessionStarted(session: RequestSender): MaybePromise<void> {
    return then(this.store.waitingFor(session.appId, session.account), (waiting) =>
      this.each(waiting, (invitation) =>
        then(this.store.ring(invitation.id, session), (ringing) => {
          if (ringing === null) return;
          session.deliverEvent(EventKind.InviteReceived, [...this.callerFields(ringing), ringing.deliveredExtra]);
          return then(this.toCaller(ringing, EventKind.InviteReceivedByPeer, this.calleeSeenByCaller(ringing)), () => undefined);
        }),
      ),
    );
  }

  /** A session ended (not a lost connection: the resume window is over too): its invitations end. */
  sessionEnded(session: RequestSender, code: number): MaybePromise<void> {
    const reason = bytes(JSON.stringify({ _reason: 'session_ended', code }));
    return then(this.store.ofSession(session.sessionId), (all) =>
      this.each(all, (listed) =>
        then(this.store.remove(listed.id), (invitation) => {
          if (invitation === null) return;
          if (invitation.caller.sessionId === session.sessionId) {
            if (invitation.state === 'waiting') return;
            return then(this.toHolder(invitation, EventKind.InviteEndByPeer, [...this.callerFields(invitation), reason]), () => undefined);
          }
          if (invitation.state === 'ringing') return this.fail(invitation, AGORA_E_CODE.INVITE_E_NET);
          return then(this.toCaller(invitation, EventKind.InviteEndByPeer, [...this.calleeSeenByCaller(invitation), reason]), () => undefined);
        }),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Adds the invitation, unless the sender's session already made `maxPerSession` live ones: then
   * RESULT 700 says so and nothing changes. `added` gets what the store answers.
   */
  private addWithinBound(sender: RequestSender, invitation: Invitation, added: (existing: Invitation | null) => MaybePromise<Reply>): MaybePromise<Reply> {
    const max = this.settings.maxPerSession;
    if (max === 0) return then(this.store.add(invitation), added);
    return then(this.store.ofSession(sender.sessionId), (invitations) => {
      let made = 0;
      for (const other of invitations) if (other.caller.sessionId === sender.sessionId) made++;
      if (made >= max) {
        return failure(AGORA_E_CODE.INVITE_E_OTHER, `this session has made ${made} live invitations, at most ${max} allowed (end one with INVITE_END first)`);
      }
      return then(this.store.add(invitation), added);
    });
  }

  private make(sender: RequestSender, channelBytes: Uint8Array, callee: string, target: string, phone: boolean, extra: Uint8Array, deliveredExtra: Uint8Array, timeoutSeconds: number): Invitation {
    const now = this.now();
    const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : this.settings.defaultTimeoutMs;
    return {
      id: randomUUID(),
      appId: sender.appId,
      channel: key(channelBytes),
      caller: { account: sender.account, accountBytes: sender.accountBytes, uid: sender.uid, sessionId: sender.sessionId },
      callee,
      phone,
      target,
      extra: extra.slice(),
      deliveredExtra,
      state: 'waiting',
      holder: null,
      answerDeadlineMs: now + timeoutMs,
      offlineDeadlineMs: now + this.settings.offlineWaitMs,
    };
  }

  /** The callee's session is online: it rings, then the caller hears it did. */
  private deliver(sender: RequestSender, invitation: Invitation, session: { sessionId: string; uid: number }): MaybePromise<Reply> {
    return then(this.store.ring(invitation.id, session), (ringing) => {
      if (ringing === null) return success();
      const fields = [...this.callerFields(ringing), ringing.deliveredExtra];
      return then(this.router.deliver(ringing.appId, ringing.target, EventKind.InviteReceived, fields, session.sessionId), (took) => {
        if (took !== true) {
          // Its session ended between the lookup and now, or it is not reading: as for a callee that vanished.
          return then(this.store.remove(ringing.id), (gone) => (gone === null ? success() : this.failNow(sender, gone, AGORA_E_CODE.INVITE_E_NET)));
        }
        sender.deliverEvent(EventKind.InviteReceivedByPeer, this.calleeSeenByCaller(ringing));
        return success();
      });
    });
  }

  private reinvite(sender: RequestSender, attempt: Invitation, existing: Invitation): Reply {
    const uid = existing.holder !== null && !existing.phone ? decimalBytes(existing.holder.uid) : ZERO;
    sender.deliverEvent(EventKind.InviteFailed, [keyBytes(attempt.channel), keyBytes(attempt.callee), uid, decimalBytes(AGORA_E_CODE.INVITE_E_REINVITE), attempt.extra]);
    return success();
  }

  /** INVITE_FAILED to the caller, who is the sender of the request at hand. */
  private failNow(sender: RequestSender, invitation: Invitation, code: AGORA_E_CODE): Reply {
    sender.deliverEvent(EventKind.InviteFailed, this.failedFields(invitation, code));
    return success();
  }

  private fail(invitation: Invitation, code: AGORA_E_CODE): MaybePromise<void> {
    return then(this.toCaller(invitation, EventKind.InviteFailed, this.failedFields(invitation, code)), () => undefined);
  }

  private failedFields(invitation: Invitation, code: AGORA_E_CODE): Uint8Array[] {
    return [keyBytes(invitation.channel), keyBytes(invitation.callee), decimalBytes(this.calleeUidForCaller(invitation)), decimalBytes(code), invitation.extra];
  }

  private expired(invitation: Invitation, why: InviteExpiry): void {
    const work =
      why === 'offline'
        ? this.fail(invitation, AGORA_E_CODE.INVITE_E_PEEROFFLINE)
        : then(this.fail(invitation, AGORA_E_CODE.INVITE_E_TIMEOUT), () =>
            invitation.state === 'ringing' ? then(this.toHolder(invitation, EventKind.InviteEndByPeer, [...this.callerFields(invitation), TIMEOUT_REASON]), () => undefined) : undefined,
          );
    if (isPromise(work)) work.catch((e: unknown) => this.onError('an invitation deadline', e));
  }

  private sendDtmf(found: Found, digits: Uint8Array): MaybePromise<Reply> {
    const { invitation, asCaller } = found;
    if (invitation.state === 'waiting') return failure(AGORA_E_CODE.INVITE_E_OTHER, `the invitation to channel "${utf8(invitation.channel)}" has not reached ${utf8(invitation.callee)} yet`);
    const from = asCaller ? this.callerFields(invitation) : this.calleeSeenByCaller(invitation);
    const fields = [...from, DTMF, digits.slice(), EMPTY];
    const sent = asCaller ? this.toHolder(invitation, EventKind.InviteMsg, fields) : this.toCaller(invitation, EventKind.InviteMsg, fields);
    return then(sent, (took) => (took ? success() : failure(AGORA_E_CODE.INVITE_E_OTHER, 'the other party of the call is gone')));
  }

  /** [channel, caller, callerUid]: how the callee's side names the caller. */
  private callerFields(invitation: Invitation): Uint8Array[] {
    return [keyBytes(invitation.channel), invitation.caller.accountBytes, decimalBytes(invitation.caller.uid)];
  }

  /** [channel, callee, calleeUid]: how the caller names the callee (a phone number has uid 0). */
  private calleeSeenByCaller(invitation: Invitation): Uint8Array[] {
    return [keyBytes(invitation.channel), keyBytes(invitation.callee), decimalBytes(this.calleeUidForCaller(invitation))];
  }

  private calleeUidForCaller(invitation: Invitation): number {
    return invitation.phone || invitation.holder === null ? 0 : invitation.holder.uid;
  }

  private toCaller(invitation: Invitation, kind: EventKind, fields: Uint8Array[]): MaybePromise<boolean> {
    return then(this.router.deliver(invitation.appId, invitation.caller.account, kind, fields, invitation.caller.sessionId), tookIt);
  }

  private toHolder(invitation: Invitation, kind: EventKind, fields: Uint8Array[]): MaybePromise<boolean> {
    if (invitation.holder === null) return false;
    return then(this.router.deliver(invitation.appId, invitation.target, kind, fields, invitation.holder.sessionId), tookIt);
  }

  private checkPeerRequest(channelBytes: Uint8Array, peer: Uint8Array, uid: Uint8Array, extra: Uint8Array): Reply | null {
    const refusal = channelNameRefusal(channelBytes);
    if (refusal !== null) return failure(refusal.code, refusal.text);
    const problem = accountProblem(peer);
    if (problem !== null) return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `invalid account: ${problem}`);
    const uidValue = uidArg(uid);
    if (isReply(uidValue)) return uidValue;
    const parsed = parseExtra(extra);
    return isReply(parsed) ? parsed : null;
  }

  /**
   * The ringing or accepted invitation the sender holds in `channel` from `caller`. A SIP gateway
   * may hold several from one caller in one channel (different numbers): its extra's `phoneNum`
   * picks one.
   */
  private findReceived(sender: RequestSender, channel: string, caller: string, extra: Uint8Array): MaybePromise<Invitation | Reply | null> {
    const parsed = parseExtra(extra);
    const wanted = typeof parsed === 'object' && parsed !== null && typeof (parsed as Record<string, unknown>).phoneNum === 'string' ? key(bytes((parsed as Record<string, string>).phoneNum)) : null;
    return then(this.store.ofSession(sender.sessionId), (all) => {
      const matches = all.filter(
        (i) => i.holder?.sessionId === sender.sessionId && i.channel === channel && i.caller.account === caller && (wanted === null || !i.phone || i.callee === wanted),
      );
      if (matches.length > 1) {
        return failure(AGORA_E_CODE.GENERAL_E_WRONG_PARAM, `${matches.length} calls from ${utf8(caller)} in channel "${utf8(channel)}": name the phone number in the extra's "phoneNum"`);
      }
      return matches[0] ?? null;
    });
  }

  /** The sender's invitation of `peer` in `channel`, or else the one it holds from `peer`. */
  private findEither(sender: RequestSender, channel: string, peer: string, extra: Uint8Array): MaybePromise<Found | Reply | null> {
    return then(this.store.find(sender.appId, channel, sender.account, peer), (made) => {
      if (made !== null && made.caller.sessionId === sender.sessionId) return { invitation: made, asCaller: true };
      return then(this.findReceived(sender, channel, peer, extra), (held) => (held === null || isReply(held) ? held : { invitation: held, asCaller: false }));
    });
  }

  private noInvitation(channelBytes: Uint8Array, peer: Uint8Array, preposition: 'from' | 'with'): Reply {
    const who = Buffer.from(peer).toString('utf8');
    const channel = Buffer.from(channelBytes).toString('utf8');
    return failure(
      AGORA_E_CODE.INVITE_E_OTHER,
      preposition === 'from'
        ? `no invitation to channel "${channel}" from ${who} (it never was, or it ended, was answered, failed or expired)`
        : `no invitation in channel "${channel}" with ${who} (it never was, or it ended, was refused, failed or expired)`,
    );
  }

  /** Runs `step` for each item in order, waiting for each when the store is asynchronous. */
  private each<T>(items: readonly T[], step: (item: T) => MaybePromise<void>): MaybePromise<void> {
    let chain: MaybePromise<void> = undefined;
    for (const item of items) chain = then(chain, () => step(item));
    return chain;
  }
}

/** A party that is not reading (NotReading) did not take the event either. */
function tookIt(delivery: Delivery): boolean {
  return delivery === true;
}
