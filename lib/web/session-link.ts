import type { RequestResult } from '../client';

/** What a Channel or Call needs of its Session: sending requests and reporting failures. */
export interface SessionLink {
  /**
   * Sends a request; `onOk` gets a successful RESULT, `onFail` a failed one, after which the
   * session's onError hears it (named after `method`).
   */
  request(
    op: number,
    args: string[],
    method: string,
    onOk?: (result: RequestResult) => void,
    onFail?: (code: number, text: string) => void,
  ): void;
  fire(target: object, name: string, args: unknown[]): void;
}
