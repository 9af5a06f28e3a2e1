// The SDK version as text ("1.4.0"), from the native number 1XXYYZZWWW.
import { AgoraAPI } from '../facade/agora-api';

let cached: string | undefined;

export function sdkVersionText(): string {
  if (cached === undefined) {
    const probe = new AgoraAPI('');
    let n: number;
    try {
      n = probe.getSdkVersion();
    } finally {
      probe.destroy();
    }
    const major = Math.floor(n / 10000000) % 100;
    const minor = Math.floor(n / 100000) % 100;
    const patch = Math.floor(n / 1000) % 100;
    cached = `${major}.${minor}.${patch}`;
  }
  return cached;
}
