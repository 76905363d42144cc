/**
 * Step 1 of the pipeline: esbuild turns the handler entry into one minified
 * CommonJS file with every dependency inside it (the runtime's own AWS SDK
 * drifts between Lambda releases, so nothing is left external).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { bundleFailed, entryNotFound, nativeAddon } from './errors';
import { nativeImportGuard, nativePackagesIn, type NativePackage } from './native-guard';
import { BUNDLE_NAME, NODE_TARGET, type ResolvedBuildOptions } from './options';

export interface BundleResult {
  /** The bundled `index.js`. */
  readonly code: Uint8Array;
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
  const second = await runEsbuild(options, natives.map((n) => n.name));
  return { ...second, nativePackages: natives };
}

async function runEsbuild(
  options: ResolvedBuildOptions,
  external: string[],
): Promise<Omit<BundleResult, 'nativePackages'>> {
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
      outfile: path.join(options.outDir, BUNDLE_NAME),
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      target: NODE_TARGET,
      format: 'cjs',
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
      plugins: [guard],
      logLevel: 'silent',
    });
    const output = result.outputFiles.find((file) => file.path.endsWith(BUNDLE_NAME));
    if (!output) throw bundleFailed('esbuild produced no output file.');
    return { code: output.contents, metafile: result.metafile, esbuildVersion: esbuild.version };
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
