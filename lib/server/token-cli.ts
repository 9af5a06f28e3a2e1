#!/usr/bin/env node
/** Prints a SignalingToken for an account of an App ID with a certificate. */
import { makeSignalingToken } from './token';

const USAGE = `Usage: agora-sig-token <appId> <certificate> <account> [validSeconds=3600]
       agora-sig-token <appId> <certificate> <account> --expired-ts <unixSeconds>

Prints the SignalingToken "1:<appId>:<expiredTs>:<md5hex(account + appId + certificate + expiredTs)>".
By default the token expires validSeconds from now; --expired-ts gives an absolute Unix time.
`;

function fail(message: string): never {
  process.stderr.write(`agora-sig-token: ${message}\n\n${USAGE}`);
  process.exit(2);
}

export function main(argv: readonly string[]): void {
  const positional: string[] = [];
  let expiredTs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return;
    }
    if (arg === '--expired-ts' || arg.startsWith('--expired-ts=')) {
      const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (raw === undefined || !/^\d{1,15}$/.test(raw)) fail('--expired-ts needs a Unix time in seconds');
      expiredTs = Number(raw);
      continue;
    }
    if (arg.startsWith('--')) fail(`unknown option ${arg}`);
    positional.push(arg);
  }
  if (positional.length < 3 || positional.length > 4) fail('expected <appId> <certificate> <account> [validSeconds]');
  const [appId, certificate, account, validRaw] = positional;
  if (validRaw !== undefined && expiredTs !== undefined) fail('give either validSeconds or --expired-ts, not both');
  if (appId === '' || certificate === '' || account === '') fail('appId, certificate and account must not be empty');
  if (expiredTs === undefined) {
    const valid = validRaw === undefined ? 3600 : validRaw;
    if (!/^\d{1,10}$/.test(String(valid))) fail('validSeconds must be a whole number of seconds');
    expiredTs = Math.floor(Date.now() / 1000) + Number(valid);
  }
  process.stdout.write(makeSignalingToken(appId, certificate, account, expiredTs) + '\n');
}

if (require.main === module) main(process.argv.slice(2));
