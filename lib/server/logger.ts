/** Leveled logging for the server; each line goes to one sink (stderr unless told otherwise). */

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

export interface Logger {
  readonly level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** True when messages of `level` are written; lets callers skip building costly messages. */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

export type LogSink = (line: string) => void;

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(level: LogLevel, sink: LogSink = (line) => process.stderr.write(line + '\n')): Logger {
  const threshold = RANK[level];
  const write = (name: Exclude<LogLevel, 'silent'>, message: string): void => {
    if (RANK[name] <= threshold) sink(`${new Date().toISOString()} ${name.toUpperCase()} ${message}`);
  };
  return {
    level,
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    enabled: (name) => RANK[name] <= threshold,
  };
}
