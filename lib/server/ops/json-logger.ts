/**
 * The JSON form of the server's log (`--log-format json`): one pino line per event with `level`
 * (a name), `time` (ISO 8601), `event`, the event's fields and `msg`, for log pipelines.
 */
import pino from 'pino';
import type { LogFields, Logger, LogLevel, LogSink } from '../logger';
import { levelEnabled } from '../logger';

/** Lines of the plain methods (callers that give text only) carry this event name. */
export const PLAIN_EVENT = 'log';

export function createJsonLogger(level: LogLevel, sink: LogSink | null): Logger {
  // Synchronous writes: a line logged just before the process exits is not lost.
  const destination = sink === null ? pino.destination({ fd: 2, sync: true }) : { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) };
  const out = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const plain = { event: PLAIN_EVENT };
  return {
    level,
    error: (m) => out.error(plain, m),
    warn: (m) => out.warn(plain, m),
    info: (m) => out.info(plain, m),
    debug: (m) => out.debug(plain, m),
    enabled: (name) => levelEnabled(level, name),
    event: (name, event, fields: LogFields, m) => out[name]({ event, ...fields }, m),
  };
}
