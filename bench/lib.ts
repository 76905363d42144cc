/**
 * Benchmark helpers. Every figure is printed next to a baseline measured in the
 * same run, so the ratio means something on any machine; targets are reported,
 * never asserted.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Row {
  readonly name: string;
  readonly value: number;
  readonly unit: 'ms' | 'KiB' | 'MB' | 'count';
  readonly baselineName: string;
  readonly baseline: number;
  /** Target for `value`, when the issue sets one. */
  readonly target?: { readonly max: number; readonly of: 'value' | 'delta' };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export { percentile } from '../src/dev/load/stats';

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Wall time of a child process, in ms. Throws if it fails, so a broken bench is never a fast bench. */
export function timeProcess(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const start = performance.now();
  const run = spawnSync(command, args, { ...options, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return elapsed;
}

export function formatRows(title: string, rows: readonly Row[]): string {
  const lines = [`\n## ${title}`];
  for (const row of rows) {
    const ratio = row.baseline > 0 ? `${(row.value / row.baseline).toFixed(2)}x` : 'n/a';
    let verdict = '';
    if (row.target) {
      const measured = row.target.of === 'delta' ? row.value - row.baseline : row.value;
      const label = row.target.of === 'delta' ? 'added' : 'value';
      verdict = `  target ${label} <= ${row.target.max} ${row.unit}: ${measured <= row.target.max ? 'met' : 'MISSED'} (${measured.toFixed(1)})`;
    }
    lines.push(
      `${row.name.padEnd(44)} ${row.value.toFixed(1).padStart(9)} ${row.unit}  vs ${row.baselineName} ${row.baseline.toFixed(1)} ${row.unit}  = ${ratio}${verdict}`,
    );
  }
  return lines.join('\n');
}
