/**
 * Step 1 of the pipeline: esbuild turns the handler entry into a minified ES
 * module with every dependency inside it (the runtime's own AWS SDK drifts
 * between Lambda releases, so nothing is left external). Code reached only
 * through `import()` — the Bedrock client — is split into chunks that load
 * on first use, so the Anthropic path's cold start does not pay for it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { bundleFailed, entryNotFound, nativeAddon } from './errors';
import { nativeImportGuard, nativePackagesIn, type NativePackage } from './native-guard';
import { stripSettingDescriptions } from './strip-descriptions';
import { BUNDLE_NAME, CHUNK_DIR, type ResolvedBuildOptions } from './options';

export interface BundleFile {
  /** Path inside the zip, e.g. `index.mjs` or `chunks/bedrock-XXXX.mjs`. */
  readonly path: string;
  readonly contents: Uint8Array;
}

/**
 * CommonJS dependencies bundled into an ES module still call `require` for
 * Node built-ins and read `__dirname`; give every output file both.
 */
const ESM_COMPAT_BANNER = [
  "import{createRequire as __agentCreateRequire}from'node:module';",
  "import{fileURLToPath as __agentFileURLToPath}from'node:url';",
  "import{dirname as __agentDirname}from'node:path';",
  'const require=__agentCreateRequire(import.meta.url);',
  'const __filename=__agentFileURLToPath(import.meta.url);',
  'const __dirname=__agentDirname(__filename);',
].join('');

export interface BundleResult {
  /** The entry module and its chunks, sorted by path. */
  readonly files: readonly BundleFile[];
  /** esbuild's metafile, paths relative to the project root. */
  readonly metafile: esbuild.Metafile;
  readonly esbuildVersion: string;
  /** Native packages left out of the bundle to ship as `node_modules` (policy `include` only). */
  readonly nativePackages: readonly NativePackage[];
}

export async function bundle(options: ResolvedBuildOptions): Promise<BundleResult> {
  if (!fs.existsSync(options.entry)) throw entryNotFound(options.entryRelative);

  const first = await runEsbuild(options, []);
  const natives = nativePackagesIn(first.metafile, options.root);
  if (natives.length === 0) return { ...first, nativePackages: [] };
  if (options.nativeAddons === 'fail') {
    const [pkg] = natives;
    throw nativeAddon(pkg.name, pkg.evidence, options.architecture);
  }
  // Inside the Lambda image the addon was compiled for Lambda's platform: keep
  // it out of the bundle so `require` finds the real package in node_modules.
  const second = await runEsbuild(
    options,
    natives.map((n) => n.name),
  );
  return { ...second, nativePackages: natives };
}

async function runEsbuild(options: ResolvedBuildOptions, external: string[]): Promise<Omit<BundleResult, 'nativePackages'>> {
  let nativeImport: NativePackage | undefined;
  const guard = nativeImportGuard(
    options.nativeAddons === 'include'
      ? undefined
      : (pkg) => {
          nativeImport = pkg;
          return nativeAddon(pkg.name, pkg.evidence, options.architecture).message;
        },
  );
  try {
    const result = await esbuild.build({
      entryPoints: [options.entry],
      absWorkingDir: options.root,
      outdir: options.outDir,
      entryNames: path.basename(BUNDLE_NAME, '.mjs'),
      chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      write: false,
      metafile: true,
      platform: 'node',
      target: options.target,
      format: 'esm',
      banner: { js: ESM_COMPAT_BANNER },
      minify: true,
      treeShaking: true,
      sourcemap: false,
      // Licences of bundled packages stay with the code, at the end of the file.
      legalComments: 'eof',
      charset: 'utf8',
      // ESM builds of dependencies tree-shake better than their CJS builds.
      mainFields: ['module', 'main'],
      // Text assets (e.g. the knowledge base) are bundled as strings.
      loader: { '.md': 'text', '.txt': 'text' },
      external,
      plugins: [guard, stripSettingDescriptions(options.root)],
      logLevel: 'silent',
    });
    const files = result.outputFiles
      .map((file) => ({ path: path.relative(options.outDir, file.path).split(path.sep).join('/'), contents: file.contents }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (!files.some((file) => file.path === BUNDLE_NAME)) throw bundleFailed(`esbuild produced no ${BUNDLE_NAME}.`);
    return { files, metafile: result.metafile, esbuildVersion: esbuild.version };
  } catch (error) {
    if (nativeImport) throw nativeAddon(nativeImport.name, nativeImport.evidence, options.architecture);
    if (isBuildFailure(error)) {
      const text = await esbuild.formatMessages(error.errors, { kind: 'error', color: false });
      throw bundleFailed(text.join('').trimEnd(), error);
    }
    throw error;
  }
}

function isBuildFailure(error: unknown): error is esbuild.BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<esbuild.BuildFailure>).errors);
}
