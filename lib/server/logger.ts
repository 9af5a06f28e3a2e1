/**
 * Leveled logging for the server; each line goes to one sink (stderr unless told otherwise), as
 * readable text for a terminal or as JSON lines (ops/json-logger.ts) for a log pipeline.
 */
import { createJsonLogger } from './ops/json-logger';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

export type LogFormat = 'text' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/**
 * What a structured line says besides its text: App ID, account, the connection's address, and
 * small facts (codes, counts). Never a token or a message body: these go to log pipelines.
 */
export interface LogFields {
  appId?: string;
  account?: string;
  address?: string;
  [fact: string]: string | number | boolean | undefined;
}

export interface Logger {
  readonly level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** True when messages of `level` are written; lets callers skip building costly messages. */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /**
   * A named event with its fields: the text form writes `message` alone (as the plain methods
   * do), the JSON form writes the fields too. Loggers made elsewhere may lack it: use logEvent.
   */
  event?(level: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields, message: string): void;
}

export type LogSink = (line: string) => void;

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

/** True when `level` is written by a logger at `threshold`. */
export function levelEnabled(threshold: LogLevel, level: Exclude<LogLevel, 'silent'>): boolean {
  return RANK[level] <= RANK[threshold];
}

const STDERR_SINK: LogSink = (line) => process.stderr.write(line + '\n');

export function createLogger(level: LogLevel, sink: LogSink = STDERR_SINK, format: LogFormat = 'text'): Logger {
  if (format === 'json') return createJsonLogger(level, sink === STDERR_SINK ? null : sink);
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
    event: (name, _event, _fields, m) => write(name, m),
  };
}

/** An event through any Logger: structured where it can be, its text otherwise. */
export function logEvent(logger: Logger, level: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields, message: string): void {
  if (!logger.enabled(level)) return;
  if (logger.event !== undefined) logger.event(level, event, fields, message);
  else logger[level](message);
}
