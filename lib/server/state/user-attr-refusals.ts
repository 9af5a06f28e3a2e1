/**
 * The refusals of user attributes beyond their bounds, shared by every UserAttrStore so that a
 * client hears the same code and text whichever store the server runs on.
 */
import { AGORA_E_CODE } from '../../protocol/error-codes';
import type { Refusal } from './channel-store';

export function tooManyUserAttrs(maxAttrsPerAccount: number): Refusal {
  return { code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM, text: `an account holds at most ${maxAttrsPerAccount} attributes` };
}

export function accountUserAttrsTooBig(accountBytes: number, maxBytesPerAccount: number): Refusal {
  return {
    code: AGORA_E_CODE.GENERAL_E_LARGE_PARAM,
    text: `the account's attributes would be ${accountBytes} bytes (names and values), at most ${maxBytesPerAccount} allowed`,
  };
}

export function userAttrsTotalReached(maxBytesTotal: number): Refusal {
  return { code: AGORA_E_CODE.GENERAL_E_FAILED, text: `the server holds the most bytes of user attributes it may (${maxBytesTotal}, all accounts together)` };
}
