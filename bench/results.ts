/** The results file of one run: bench/results/results-<timestamp>.json, results-latest.json, chart.svg. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartSvg } from './chart-svg';
import type { Figure, Outcome } from './figures';
import type { GoalResult } from './goals';
import type { TargetName } from './loadgen-options';
import type { MachineInfo } from './machine';
import type { ScenarioRun, Sizes } from './scenarios';

export interface RunRecord {
  run: ScenarioRun;
  outcomes: Partial<Record<TargetName, Outcome>>;
  /** With --repeat: the outcomes of the later rounds (`outcomes` is the first). */
  laterRounds?: Partial<Record<TargetName, Outcome>>[];
}

export interface Results {
  date: string;
  commit: string;
  working_tree_modified: boolean;
  machine: MachineInfo;
  note: string;
  /** Rounds of every scenario run (--repeat); the figures are their medians. */
  repeat?: number;
  sizes: Sizes;
  targets: Record<string, string>;
  runs: RunRecord[];
  figures: Figure[];
  goals: GoalResult[];
}

export interface WrittenFiles {
  results: string;
  latest: string;
  chart: string;
}

export function writeResults(directory: string, results: Results): WrittenFiles {
  mkdirSync(directory, { recursive: true });
  const stamp = results.date.replace(/[:.]/g, '-');
  const files = {
    results: join(directory, `results-${stamp}.json`),
    latest: join(directory, 'results-latest.json'),
    chart: join(directory, 'chart.svg'),
  };
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(files.results, text);
  writeFileSync(files.latest, text);
  const machine = results.machine;
  writeFileSync(
    files.chart,
    chartSvg(
      results.figures,
      `agora-sig benchmark (${results.sizes} sizes), ${results.date.slice(0, 16).replace('T', ' ')} UTC`,
      `${machine.cores} cores ${machine.cpu_model}, Node ${machine.node_version}, commit ${results.commit.slice(0, 10)}; bars relative to the largest of each group`,
    ),
  );
  return files;
}
