/** What the server answered to one request (a RESULT, or a local refusal with the same shape). */
export interface RequestResult {
  code: number;
  text: string;
  values: Uint8Array[];
}

export type ResultHandler = (result: RequestResult) => void;

export interface PendingRequest {
  reqId: number;
  readonly op: number;
  readonly args: Uint8Array[];
  readonly onResult: ResultHandler;
  /**
   * Its bytes were handed to a socket. A session lost while a written request is unanswered
   * leaves its outcome unknown: the server may have processed it and lost only the RESULT.
   */
  written: boolean;
}

/**
 * Requests kept until their RESULT arrives, in the order they were made, so that they can be
 * re-sent after a resume (those above the server's lastReqId) or renumbered for a fresh session.
 */
export class PendingRequests {
  private readonly queue: PendingRequest[] = [];
  private lastReqId = 0;

  get size(): number {
    return this.queue.length;
  }

  add(op: number, args: Uint8Array[], onResult: ResultHandler): PendingRequest {
    const request: PendingRequest = { reqId: ++this.lastReqId, op, args, onResult, written: false };
    this.queue.push(request);
    return request;
  }

  /** Removes and returns the request a RESULT answers. */
  take(reqId: number): PendingRequest | undefined {
    const i = this.queue.findIndex((r) => r.reqId === reqId);
    if (i < 0) return undefined;
    return this.queue.splice(i, 1)[0];
  }

  /** Requests the server has not processed yet, in order. */
  after(lastReqId: number): PendingRequest[] {
    return this.queue.filter((r) => r.reqId > lastReqId);
  }

  /** Removes and returns the written, unanswered requests that `matches` selects, in order. */
  takeWritten(matches: (op: number) => boolean): PendingRequest[] {
    const taken = this.queue.filter((r) => r.written && matches(r.op));
    for (const r of taken) this.queue.splice(this.queue.indexOf(r), 1);
    return taken;
  }

  /** A new session numbers its requests from 1: the kept ones come first, in their order. */
  renumber(): PendingRequest[] {
    this.lastReqId = 0;
    for (const r of this.queue) {
      r.reqId = ++this.lastReqId;
      r.written = false;
    }
    return [...this.queue];
  }

  /** Empties the queue and returns what it held. */
  drain(): PendingRequest[] {
    return this.queue.splice(0);
  }

  reset(): void {
    this.queue.length = 0;
    this.lastReqId = 0;
  }
}
