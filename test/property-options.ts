/**
 * fast-check parameters of the property tests. Each property runs `numRuns` cases from a fresh
 * random seed; a failure prints its seed and counterexample path. To replay one (after npm run
 * build:ts; --grep picks the property, as the path applies to every property run):
 *   FC_SEED=<seed> FC_PATH=<path> npx mocha --no-config --timeout 60000 dist/test/<file>.js --grep '<name>'
 * FC_NUM_RUNS=<n> runs n cases per property instead (a longer run: FC_NUM_RUNS=20000).
 */
import * as fc from 'fast-check';

export function propertyOptions<T>(numRuns: number): fc.Parameters<T> {
  const options: fc.Parameters<T> = { numRuns: Number(process.env.FC_NUM_RUNS ?? numRuns) };
  if (process.env.FC_SEED !== undefined) options.seed = Number(process.env.FC_SEED);
  if (process.env.FC_PATH !== undefined) options.path = process.env.FC_PATH;
  return options;
}
