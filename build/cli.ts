/**
 * `npm run build [-- options]`: builds dist/function.zip and its manifest,
 * locally or (with --container) inside the Lambda Node.js 22 image.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LAMBDA_NODE_IMAGE, runContainerBuild } from './container';
import { BuildError, invalidOption } from './errors';
import { DEFAULT_INIT_BUDGET_BYTES, DEFAULT_SIZE_BUDGET_BYTES, MANIFEST_NAME, resolveBuildOptions, type Architecture, type BuildOptions } from './options';
import { build } from './pipeline';
import type { LambdaRuntime } from './runtimes';
import { formatSummary } from './summary';

const USAGE = `Usage: npm run build -- [options]

  --entry <file>          handler module (default src/function/index.ts)
  --out-dir <dir>         where function.zip and function.manifest.json go (default dist)
  --arch <arm64|x86_64>   Lambda architecture (default arm64)
  --runtime <runtime>     Lambda runtime; esbuild targets its Node major (default nodejs22.x)
  --no-typecheck          skip the type check of the handler (experiments only)
  --size-budget-kb <n>    warn when the zip is larger (default ${DEFAULT_SIZE_BUDGET_BYTES / 1024})
  --init-budget-kb <n>    warn when the code every cold start loads is larger, uncompressed (default ${DEFAULT_INIT_BUDGET_BYTES / 1024})
  --container             build inside ${LAMBDA_NODE_IMAGE} with docker or podman
  --image <ref>           image for --container (pin a digest for a bit-for-bit clean room)
  --help                  show this text`;

export async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const options = toBuildOptions(values);
    if (values.container) {
      const resolved = resolveBuildOptions(options);
      runContainerBuild({
        root: resolved.root,
        outDir: resolved.outDir,
        architecture: resolved.architecture,
        image: values.image,
        buildArgs: [
          '--size-budget-kb',
          String(resolved.sizeBudgetBytes / 1024),
          '--init-budget-kb',
          String(resolved.initBudgetBytes / 1024),
          '--entry',
          resolved.entryRelative,
          '--runtime',
          resolved.runtime,
        ],
      });
      const manifest = JSON.parse(fs.readFileSync(path.join(resolved.outDir, MANIFEST_NAME), 'utf8')) as { source_code_hash: string };
      process.stdout.write(`container build done: source_code_hash ${manifest.source_code_hash}\n`);
      return 0;
    }
    const result = await build(options);
    process.stdout.write(
      `${formatSummary({
        manifest: result.manifest,
        zipPath: path.relative(process.cwd(), result.zipPath) || result.zipPath,
        largest: result.largestInputs,
        bundleBytes: result.bundleBytes,
        sizeBudgetBytes: result.sizeBudgetBytes,
        initBudgetBytes: result.initBudgetBytes,
      })}\n`,
    );
    if (result.sizeWarning) process.stderr.write(`${result.sizeWarning}\n`);
    if (result.initWarning) process.stderr.write(`${result.initWarning}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BuildError) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      entry: { type: 'string' },
      'out-dir': { type: 'string' },
      arch: { type: 'string' },
      runtime: { type: 'string' },
      'no-typecheck': { type: 'boolean', default: false },
      'size-budget-kb': { type: 'string' },
      'init-budget-kb': { type: 'string' },
      container: { type: 'boolean', default: false },
      image: { type: 'string' },
      // Set by the container script: native addons compiled there are packaged.
      'in-container': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
}

/** A `--…-kb` flag's value in bytes, or undefined when the flag is absent. */
function kibFlag(flag: string, value: string | undefined, example: number): number | undefined {
  if (value === undefined) return undefined;
  const kb = Number(value);
  if (!Number.isFinite(kb) || kb <= 0) throw invalidOption(flag, value, `Use a positive number of KiB, e.g. \`${flag} ${example}\`.`);
  return Math.round(kb * 1024);
}

function toBuildOptions(values: ReturnType<typeof parse>): BuildOptions {
  const sizeBudgetBytes = kibFlag('--size-budget-kb', values['size-budget-kb'], DEFAULT_SIZE_BUDGET_BYTES / 1024);
  const initBudgetBytes = kibFlag('--init-budget-kb', values['init-budget-kb'], DEFAULT_INIT_BUDGET_BYTES / 1024);
  return {
    entry: values.entry,
    outDir: values['out-dir'],
    architecture: values.arch as Architecture | undefined,
    runtime: values.runtime as LambdaRuntime | undefined,
    typecheck: !values['no-typecheck'],
    sizeBudgetBytes,
    initBudgetBytes,
    nativeAddons: values['in-container'] ? 'include' : 'fail',
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
