/** The plain-text (and Markdown) table of one run's figures, with ratios between the targets. */
import type { Figure } from './figures';
import type { GoalResult } from './goals';
import type { RunRecord } from './results';

function fmt(x: number | undefined): string {
  if (x === undefined) return '—';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}x`;
}

// java and addon are our server too, driven through the Java SDK and through the Node addon;
// agora-metrics is the agora target with /metrics scraped every second; agora-cluster and
// socketio-cluster are two nodes of ours and of Socket.IO on one Redis.
const HEADER = [
  'scenario', 'metric', 'unit',
  'agora', 'socketio', 'floor', 'java', 'addon', 'agora-metrics', 'agora-cluster', 'socketio-cluster',
  'agora/socketio', 'agora/floor', 'metrics/agora', 'agora-cluster/socketio-cluster', 'agora-cluster/agora',
];

function rows(figures: Figure[]): string[][] {
  return figures.map((f) => {
    const v = f.values;
    return [
      f.run,
      f.metric,
      f.unit,
      fmt(v.agora),
      fmt(v.socketio),
      fmt(v.floor),
      fmt(v.java),
      fmt(v.addon),
      fmt(v['agora-metrics']),
      fmt(v['agora-cluster']),
      fmt(v['socketio-cluster']),
      ratio(v.agora, v.socketio),
      ratio(v.agora, v.floor),
      ratio(v['agora-metrics'], v.agora),
      ratio(v['agora-cluster'], v['socketio-cluster']),
      ratio(v['agora-cluster'], v.agora),
    ];
  });
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

/**
 * The commands Redis processed over each measured interval, by name, most first: what the
 * "Redis commands" figures are made of. Empty when no target with a Redis ran.
 */
export function redisCommandsText(records: RunRecord[]): string {
  const lines: string[] = [];
  for (const record of records) {
    for (const [target, outcome] of Object.entries(record.outcomes)) {
      const calls = outcome?.interval?.redis_command_calls;
      if (calls === undefined) continue;
      const named = Object.entries(calls)
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`);
      lines.push(`  ${record.run.id} / ${target}: ${named.length > 0 ? named.join(', ') : 'none'}`);
    }
  }
  return lines.join('\n');
}
