/**
 * Options of the build pipeline, their defaults, and the one place where they
 * are resolved into the fully-specified form every step consumes.
 */
import * as path from 'node:path';
import { invalidOption } from './errors';
import { DEFAULT_RUNTIME, esbuildTarget, isLambdaRuntime, LAMBDA_NODE_RUNTIMES, type LambdaRuntime } from './runtimes';

/** Lambda instruction set the zip is meant for. Only matters for native addons and `--container`. */
export type Architecture = 'arm64' | 'x86_64';

/** What to do when the bundle graph reaches a native addon. */
export type NativeAddonPolicy = 'fail' | 'include';

export interface BuildOptions {
  /**
   * Project root; relative paths below resolve against it.
   * @default - the current working directory
   */
  readonly root?: string;
  /**
   * Handler module to bundle, relative to `root`.
   * @default 'src/function/index.ts'
   */
  readonly entry?: string;
  /**
   * Folder that receives the zip and its manifest, relative to `root`.
   * @default 'dist'
   */
  readonly outDir?: string;
  /**
   * Lambda architecture the zip targets.
   * @default 'arm64'
   */
  readonly architecture?: Architecture;
  /**
   * Lambda runtime the zip runs on; esbuild targets its Node major.
   * @default 'nodejs22.x'
   */
  readonly runtime?: LambdaRuntime;
  /**
   * Type-check the handler's module graph first (TypeScript entries), and stop on any error.
   * @default true
   */
  readonly typecheck?: boolean;
  /**
   * Warn when the zip is larger than this.
   * @default 716800 (700 KiB)
   * @unit bytes
   */
  readonly sizeBudgetBytes?: number;
  /**
   * Warn when the code every cold start loads (the entry and its static
   * imports, uncompressed) is larger than this.
   * @default 491520 (480 KiB)
   * @unit bytes
   */
  readonly initBudgetBytes?: number;
  /**
   * `fail` stops the build when a native addon is reached; `include` packages it
   * as a real `node_modules` folder beside the bundle, which is only correct
   * inside the Lambda image (`--container` sets it).
   * @default 'fail'
   */
  readonly nativeAddons?: NativeAddonPolicy;
}

/** Options with every default applied and every path absolute. */
export interface ResolvedBuildOptions {
  readonly root: string;
  readonly entry: string;
  readonly entryRelative: string;
  readonly outDir: string;
  readonly architecture: Architecture;
  readonly runtime: LambdaRuntime;
  /** esbuild target derived from `runtime`, e.g. `node22`. */
  readonly target: string;
  readonly typecheck: boolean;
  readonly sizeBudgetBytes: number;
  readonly initBudgetBytes: number;
  readonly nativeAddons: NativeAddonPolicy;
}

export const DEFAULT_ENTRY = 'src/function/index.ts';
export const DEFAULT_OUT_DIR = 'dist';
export const DEFAULT_ARCHITECTURE: Architecture = 'arm64';
/**
 * 700 KiB for the whole zip: what this wave's features may add, each in a chunk loaded on first use
 * (it was 500 KiB, raised step by step from 450 for the jobs clients, jose and model tiers). What costs
 * a cold start is budgeted apart: DEFAULT_INIT_BUDGET_BYTES.
 */
export const DEFAULT_SIZE_BUDGET_BYTES = 700 * 1024;
/**
 * 480 KiB uncompressed for the code every cold start loads (index.mjs and its static imports): that
 * set before the init prefetch (#35) measured 491,527 bytes, 480.0 KiB. A feature's code that a
 * configuration may not need goes in a chunk loaded on first use, not here.
 */
export const DEFAULT_INIT_BUDGET_BYTES = 480 * 1024;
/** The zip and manifest names inside `outDir`. */
export const ZIP_NAME = 'function.zip';
export const MANIFEST_NAME = 'function.manifest.json';
/** Entry module inside the zip (ES module); handlers are `index.handler`, `index.streamHandler`, `index.breakerHandler` and `index.jobHandler`. */
export const BUNDLE_NAME = 'index.mjs';
/** Lazily imported code (e.g. the Bedrock client) is split into chunks under this folder. */
export const CHUNK_DIR = 'chunks';

const ARCHITECTURES: readonly Architecture[] = ['arm64', 'x86_64'];

export function resolveBuildOptions(options: BuildOptions = {}): ResolvedBuildOptions {
  const root = path.resolve(options.root ?? process.cwd());
  const entryRelative = toPosix(options.entry ?? DEFAULT_ENTRY);
  const architecture = options.architecture ?? DEFAULT_ARCHITECTURE;
  if (!ARCHITECTURES.includes(architecture)) {
    throw invalidOption('architecture', architecture, `Use one of: ${ARCHITECTURES.join(', ')}.`);
  }
  const runtime = options.runtime ?? DEFAULT_RUNTIME;
  if (!isLambdaRuntime(runtime)) {
    throw invalidOption('runtime', runtime, `Use one of: ${Object.keys(LAMBDA_NODE_RUNTIMES).join(', ')}.`);
  }
  const sizeBudgetBytes = options.sizeBudgetBytes ?? DEFAULT_SIZE_BUDGET_BYTES;
  if (!Number.isInteger(sizeBudgetBytes) || sizeBudgetBytes <= 0) {
    throw invalidOption('sizeBudgetBytes', sizeBudgetBytes, 'Use a positive whole number of bytes.');
  }
  const initBudgetBytes = options.initBudgetBytes ?? DEFAULT_INIT_BUDGET_BYTES;
  if (!Number.isInteger(initBudgetBytes) || initBudgetBytes <= 0) {
    throw invalidOption('initBudgetBytes', initBudgetBytes, 'Use a positive whole number of bytes.');
  }
  const nativeAddons = options.nativeAddons ?? 'fail';
  if (nativeAddons !== 'fail' && nativeAddons !== 'include') {
    throw invalidOption('nativeAddons', nativeAddons, 'Use `fail` or `include`.');
  }
  return {
    root,
    entry: path.resolve(root, entryRelative),
    entryRelative,
    outDir: path.resolve(root, options.outDir ?? DEFAULT_OUT_DIR),
    architecture,
    runtime,
    target: esbuildTarget(runtime),
    typecheck: options.typecheck ?? true,
    sizeBudgetBytes,
    initBudgetBytes,
    nativeAddons,
  };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
