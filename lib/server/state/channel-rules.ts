/** Channel names, special channels and built-in attributes (docs/protocol.md, "Channels"). */
import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { Refusal } from './channel-store';
import { latin1 } from './latin1';

export const MAX_CHANNEL_NAME_BYTES = 128;
export const MAX_ATTR_NAME_BYTES = 128;
export const MAX_ATTR_VALUE_BYTES = 8096;
/** Members listed in CHANNEL_USER_LIST: the most recent ones. */
export const USER_LIST_LIMIT = 200;

/** Its members hear every login and logout of the App ID. */
export const USER_ONLINE_CHANNEL = '__agora_user_online';
/** Its members hear every join and leave of every other channel of the App ID. */
export const CHANNEL_EVENT_CHANNEL = '__agora_channel_event';
/** Other names with this prefix are reserved. */
const RESERVED_PREFIX = '__agora_';

export enum BuiltinAttr {
  ChannelTtl = '_channel_ttl',
  AutoUpdateNum = '_auto_update_num',
  MemberNum = '_member_num',
  SendMsgLimit = '_sendmsg_limit',
  SetAttrLimit = '_setattr_limit',
}

export function isSpecialChannel(name: string): boolean {
  return name === USER_ONLINE_CHANNEL || name === CHANNEL_EVENT_CHANNEL;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function visibleProblem(what: string, bytes: Uint8Array): string | null {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x80) ascii = false;
    else if (b < 0x21 || b > 0x7e) return `${what} contains ${b === 0x20 ? 'a space' : `the control byte 0x${b.toString(16).padStart(2, '0')}`}`;
  }
  if (!ascii) {
    try {
      strictUtf8.decode(bytes);
    } catch {
      return `${what} is not valid UTF-8`;
    }
  }
  return null;
}

/**
 * Why `name` cannot name a channel, with the code a join failure carries: 1004 empty or not
 * visible characters, 1005 over 128 bytes, 300 a reserved `__agora_` name other than the two
 * special channels. Null when it is fine.
 */
export function channelNameRefusal(name: Uint8Array): Refusal | null {
  if (name.length === 0) return { code: AGORA_E_CODE.GENERAL_E_WRONG_PARAM, text: 'channel name is empty' };
  if (name.length > MAX_CHANNEL_NAME_BYTES) {
    return { code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: `channel name is ${name.length} bytes, at most ${MAX_CHANNEL_NAME_BYTES} allowed` };
  }
  const problem = visibleProblem('channel name', name);
  if (problem !== null) return { code: AGORA_E_CODE.GENERAL_E_WRONG_PARAM, text: problem };
  const key = latin1(name);
  if (key.startsWith(RESERVED_PREFIX) && !isSpecialChannel(key)) {
    return { code: AGORA_E_CODE.JOINCHANNEL_E_OTHER, text: `channel name ${key} is reserved (names starting with ${RESERVED_PREFIX} other than ${USER_ONLINE_CHANNEL} and ${CHANNEL_EVENT_CHANNEL})` };
  }
  return null;
}

/** Why an attribute name or value is refused (1004 empty name, 1005 too large), or null. */
export function attrRefusal(name: Uint8Array, value: Uint8Array | null): Refusal | null {
  if (name.length === 0) return { code: AGORA_E_CODE.GENERAL_E_WRONG_PARAM, text: 'attribute name is empty' };
  if (name.length > MAX_ATTR_NAME_BYTES) {
    return { code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: `attribute name is ${name.length} bytes, at most ${MAX_ATTR_NAME_BYTES} allowed` };
  }
  if (value !== null && value.length > MAX_ATTR_VALUE_BYTES) {
    return { code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: `attribute value is ${value.length} bytes, at most ${MAX_ATTR_VALUE_BYTES} allowed` };
  }
  return null;
}

/** The default largest `_channel_ttl`: a week, like the largest time to live of a held message. */
export const DEFAULT_MAX_CHANNEL_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Built-ins take numbers: `_channel_ttl` seconds from 0 to `maxChannelTtlSeconds` (fractions
 * allowed; a longer one would keep a channel nobody joins for years), the others whole numbers >= 0.
 */
export function builtinValueRefusal(name: string, value: Uint8Array, maxChannelTtlSeconds = DEFAULT_MAX_CHANNEL_TTL_SECONDS): Refusal | null {
  const text = latin1(value);
  const wrong = (what: string): Refusal => ({ code: AGORA_E_CODE.GENERAL_E_WRONG_PARAM, text: `${name} must be ${what}, got "${Buffer.from(value).toString('utf8')}"` });
  switch (name) {
    case BuiltinAttr.ChannelTtl:
      return /^\d+(\.\d+)?$/.test(text) && Number(text) <= maxChannelTtlSeconds ? null : wrong(`a number of seconds from 0 to ${maxChannelTtlSeconds}`);
    case BuiltinAttr.AutoUpdateNum:
      return /^\d+$/.test(text) && Number(text) <= 86400 ? null : wrong('a whole number of seconds from 0 to 86400');
    case BuiltinAttr.SendMsgLimit:
    case BuiltinAttr.SetAttrLimit:
      return /^\d+$/.test(text) && Number(text) <= 1000000 ? null : wrong('a whole number from 0 (no limit of its own) to 1000000');
    default:
      return null;
  }
}

