import type { AppConfig } from './config';

export type AppLookup =
  | { accepted: true; certificate?: string }
  | { accepted: false };

/** Which App IDs the server serves, and which of them need a SignalingToken. */
export class AppRegistry {
  private readonly certificates = new Map<string, string | undefined>();

  constructor(private readonly acceptAnyAppId: boolean, apps: readonly AppConfig[]) {
    // Keys are latin1 (one char per byte) to match the raw bytes a client sends.
    for (const app of apps) this.certificates.set(Buffer.from(app.appId, 'utf8').toString('latin1'), app.certificate);
  }

  /** `appId` one character per byte (latin1). */
  lookup(appId: string): AppLookup {
    if (this.certificates.has(appId)) {
      const certificate = this.certificates.get(appId);
      return certificate === undefined ? { accepted: true } : { accepted: true, certificate };
    }
    return this.acceptAnyAppId && appId.length > 0 ? { accepted: true } : { accepted: false };
  }
}
