/**
 * What a request is answered with: the code, text and values of its RESULT (the session adds the
 * sequencing). Services answer with these; the request handlers and the session pass them on.
 */
export interface Reply {
  code: number;
  text: string;
  values: Uint8Array[];
}

const NO_VALUES: Uint8Array[] = [];

export function success(values: Uint8Array[] = NO_VALUES): Reply {
  return { code: 0, text: '', values };
}

export function failure(code: number, text: string): Reply {
  return { code, text, values: NO_VALUES };
}
