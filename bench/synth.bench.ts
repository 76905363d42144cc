/**
 * Synth benchmark: the app's synth time and peak memory with submodule
 * imports, against the same synth after a package-root import of the provider
 * bindings; and `cdktf synth` end to end.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from '../build/pipeline';
import { median, timeProcess, type Row } from './lib';

const ROOT = path.resolve(__dirname, '..');
const TSX_CLI = require.resolve('tsx/cli');
const RUNS = 5;

export async function benchSynth(): Promise<Row[]> {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-dist-'));
  try {
    const { manifestPath } = await build({ root: ROOT, outDir: dist });
    const probe = (extra: string[]) => {
      const run = spawnSync(process.execPath, [TSX_CLI, 'bench/synth-probe.ts', '--manifest', manifestPath, ...extra], { cwd: ROOT, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`synth probe failed: ${run.stderr}`);
      return JSON.parse(run.stdout) as { ms: number; processMs: number; maxRssMb: number };
    };
    probe([]); // warm tsx's compile cache
    const sub = Array.from({ length: RUNS }, () => probe([]));
    const rootImport = Array.from({ length: RUNS }, () => probe(['--root-import']));
    const emptyNode = Array.from({ length: 3 }, () => timeProcess(process.execPath, ['-e', '0']));
    const cdktf = Array.from({ length: 3 }, () =>
      timeProcess(process.execPath, [require.resolve('cdktf-cli/bundle/bin/cdktf'), 'synth'], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: '1' } }),
    );
    return [
      {
        name: 'app synth: imports + synth (median)',
        value: median(sub.map((r) => r.ms)),
        unit: 'ms',
        baselineName: 'root import',
        baseline: median(rootImport.map((r) => r.ms)),
        target: { max: 500, of: 'value' },
      },
      {
        name: 'app synth: whole process with tsx (median)',
        value: median(sub.map((r) => r.processMs)),
        unit: 'ms',
        baselineName: 'root import',
        baseline: median(rootImport.map((r) => r.processMs)),
      },
      {
        name: 'app synth peak RSS (median)',
        value: median(sub.map((r) => r.maxRssMb)),
        unit: 'MB',
        baselineName: 'root import',
        baseline: median(rootImport.map((r) => r.maxRssMb)),
        target: { max: 150, of: 'value' },
      },
      {
        name: '`cdktf synth` end to end (median)',
        value: median(cdktf),
        unit: 'ms',
        baselineName: 'empty node',
        baseline: median(emptyNode),
        target: { max: 4000, of: 'value' },
      },
    ];
  } finally {
    fs.rmSync(dist, { recursive: true, force: true });
  }
}
