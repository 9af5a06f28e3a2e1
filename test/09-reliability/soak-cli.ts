/**
 * The soak outside mocha, for longer runs: `npm run soak -- --seconds 600 --clients 200`.
 * Every option of SoakOptions is a flag (`--messages-per-second 8`, `--seed 7`, ...). Prints progress
 * every 10 s and the report at the end; exits 1 when an expectation broke.
 */
import { DEFAULT_SOAK_OPTIONS, formatSoakReport, runSoak, SoakOptions } from './soak-harness';

function parseArgs(argv: string[]): Partial<SoakOptions> {
  const options: Record<string, number | string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      const names = Object.keys(DEFAULT_SOAK_OPTIONS).map((k) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
      process.stdout.write(`usage: npm run soak -- [--seconds 600] [--clients 200] [...]\noptions: ${names.join(' ')} --fault drop-one|duplicate-one\n`);
      process.exit(0);
    }
    const match = /^--([a-z-]+)$/.exec(arg);
    if (match === null || i + 1 >= argv.length) throw new Error(`bad argument: ${arg}`);
    const key = match[1].replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = argv[++i];
    if (key === 'fault') options.fault = raw;
    else if (key in DEFAULT_SOAK_OPTIONS) {
      const value = Number(raw);
      if (!Number.isFinite(value)) throw new Error(`--${match[1]} needs a number, got ${raw}`);
      options[key] = value;
    } else throw new Error(`unknown option --${match[1]}`);
  }
  return options as Partial<SoakOptions>;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const report = await runSoak({ ...options, progress: (line) => process.stdout.write(line + '\n') });
  process.stdout.write(formatSoakReport(report) + '\n');
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`soak: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 2;
});
