import type { ClientLogLevel } from '../client';

const RANK: Record<ClientLogLevel, number> = { debug: 0, info: 1, warning: 2 };

/** What setDoLog(isEnabled, level) controls: lines on the console, off by default. */
export class WebLogger {
  private enabled = false;
  private threshold = 0;

  /** level: DEBUG (default, everything), INFO, or WARNING (case-insensitive; WARN too). */
  configure(isEnabled: unknown, level?: unknown): void {
    this.enabled = Boolean(isEnabled);
    const name = typeof level === 'string' ? level.trim().toLowerCase() : 'debug';
    this.threshold = name.startsWith('warn') ? RANK.warning : name === 'info' ? RANK.info : RANK.debug;
  }

  log(level: ClientLogLevel, text: string): void {
    if (!this.enabled || RANK[level] < this.threshold) return;
    const line = `[signal] ${level.toUpperCase()} ${text}`;
    const sink = (globalThis as { console?: Console }).console;
    if (!sink) return;
    if (level === 'warning') sink.warn(line);
    else sink.log(line);
  }
}
