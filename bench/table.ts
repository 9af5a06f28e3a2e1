/** The plain-text (and Markdown) table of one run's figures, with ratios between the targets. */
import type { Figure } from './figures';
import type { GoalResult } from './goals';

function fmt(x: number | undefined): string {
  if (x === undefined) return '—';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}x`;
}

// java and addon are our server too, driven through the Java SDK and through the Node addon.
// agora-metrics is the agora target with /metrics scraped every second.
const HEADER = ['scenario', 'metric', 'unit', 'agora', 'socketio', 'floor', 'java', 'addon', 'agora-metrics', 'agora/socketio', 'agora/floor', 'metrics/agora'];

function rows(figures: Figure[]): string[][] {
  return figures.map((f) => [
    f.run,
    f.metric,
    f.unit,
    fmt(f.values.agora),
    fmt(f.values.socketio),
    fmt(f.values.floor),
    fmt(f.values.java),
    fmt(f.values.addon),
    fmt(f.values['agora-metrics']),
    ratio(f.values.agora, f.values.socketio),
    ratio(f.values.agora, f.values.floor),
    ratio(f.values['agora-metrics'], f.values.agora),
  ]);
}

export function textTable(figures: Figure[]): string {
  const all = [HEADER, ...rows(figures)];
  const widths = HEADER.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(figures).map(line)].join('\n');
}

export function markdownTable(figures: Figure[]): string {
  const line = (r: string[]): string => `| ${r.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map((_, c) => (c < 3 ? '---' : '---:'))), ...rows(figures).map(line)].join('\n');
}

export function goalsText(goals: GoalResult[]): string {
  return goals.map((g) => `${g.verdict.padEnd(4)}  ${g.goal}: ${g.observed}`).join('\n');
}

export function goalsMarkdown(goals: GoalResult[]): string {
  return ['| target | observed | verdict |', '| --- | --- | --- |', ...goals.map((g) => `| ${g.goal} | ${g.observed} | ${g.verdict} |`)].join('\n');
}
