/**
 * Build pipeline benchmark: wall time, zip size, and the cold-load cost of
 * the built handler in a fresh node process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { DEFAULT_SIZE_BUDGET_BYTES } from '../build/options';
import { build } from '../build/pipeline';
import { TYPECHECK_CACHE } from '../build/typecheck';
import { unpackZip } from '../build/zip';
import { median, timeAsync, timeProcess, type Row } from './lib';

const ROOT = path.resolve(__dirname, '..');
const TSX_CLI = require.resolve('tsx/cli');
const RUNS = 5;
const LOAD_RUNS = 15;

export async function benchBuild(): Promise<Row[]> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-build-'));
  try {
    // Baseline: esbuild alone on the same entry, no zip, no manifest.
    const bare = await sample(RUNS, () =>
      esbuild.build({
        entryPoints: [path.join(ROOT, 'src/function/index.ts')],
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        splitting: true,
        outdir: out,
        minify: true,
        write: false,
        loader: { '.md': 'text' },
        logLevel: 'silent',
      }),
    );
    const pipeline = await sample(RUNS, () => build({ root: ROOT, outDir: out }));
    const emptyNode = sampleSync(3, () => timeProcess(process.execPath, ['-e', '0']));
    // The type check is remembered per content: the first build after a change pays for it, later ones do not.
    const runCli = () => timeProcess(process.execPath, [TSX_CLI, 'build/cli.ts', '--out-dir', out], { cwd: ROOT });
    const afterChange = sampleSync(3, () => {
      fs.rmSync(path.join(ROOT, TYPECHECK_CACHE), { force: true });
      return runCli();
    });
    const unchanged = sampleSync(3, runCli);

    const zip = fs.readFileSync(path.join(out, 'function.zip'));
    const unpacked = path.join(out, 'unpacked');
    unpackZip(zip, unpacked);
    // Interleave the two so machine noise hits both alike.
    const empty: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < LOAD_RUNS; i += 1) {
      empty.push(timeProcess(process.execPath, ['-e', '0']));
      load.push(timeProcess(process.execPath, ['--input-type=module', '-e', 'await import("./index.mjs")'], { cwd: unpacked }));
    }

    return [
      { name: 'build() in process (median)', value: median(pipeline), unit: 'ms', baselineName: 'esbuild alone', baseline: median(bare) },
      { name: '`npm run build`, first after a change', value: median(afterChange), unit: 'ms', baselineName: 'empty node', baseline: median(emptyNode) },
      {
        name: '`npm run build`, sources unchanged',
        value: median(unchanged),
        unit: 'ms',
        baselineName: 'empty node',
        baseline: median(emptyNode),
        target: { max: 1500, of: 'value' },
      },
      {
        name: 'zip size',
        value: zip.byteLength / 1024,
        unit: 'KiB',
        baselineName: 'budget',
        baseline: DEFAULT_SIZE_BUDGET_BYTES / 1024,
        target: { max: DEFAULT_SIZE_BUDGET_BYTES / 1024, of: 'value' },
      },
      {
        name: 'cold load of the handler (median)',
        value: median(load),
        unit: 'ms',
        baselineName: 'empty node',
        baseline: median(empty),
        target: { max: 40, of: 'delta' },
      },
    ];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

async function sample(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push(await timeAsync(fn));
  return times;
}

function sampleSync(runs: number, fn: () => number): number[] {
  return Array.from({ length: runs }, fn);
}
