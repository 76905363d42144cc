/**
 * The build pipeline: type check → bundle → deterministic zip → manifest,
 * written atomically. Typed input, typed result; printing is the CLI's business.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import { writeFilesAtomically } from './atomic-write';
import { bundle } from './bundle';
import { initSet } from './init-set';
import { createManifest, serializeManifest, type BuildManifest } from './manifest';
import { nativePackageEntries } from './native-packages';
import { MANIFEST_NAME, ZIP_NAME, resolveBuildOptions, type BuildOptions } from './options';
import { budgetWarning, initBudgetWarning, largestInputs, type InputWeight } from './summary';
import { typecheck } from './typecheck';
import { deterministicZip, type ZipEntry } from './zip';

export interface BuildResult {
  readonly zipPath: string;
  readonly manifestPath: string;
  readonly manifest: BuildManifest;
  readonly metafile: Metafile;
  /** @unit bytes, the bundle before compression */
  readonly bundleBytes: number;
  readonly largestInputs: readonly InputWeight[];
  readonly sizeBudgetBytes: number;
  /** Set when the zip is over the size budget. */
  readonly sizeWarning?: string;
  readonly initBudgetBytes: number;
  /** Set when the code init loads is over its budget. */
  readonly initWarning?: string;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const resolved = resolveBuildOptions(options);
  if (resolved.typecheck && /\.[cm]?tsx?$/.test(resolved.entry) && fs.existsSync(resolved.entry)) typecheck(resolved.root, resolved.entry);
  const bundled = await bundle(resolved);

  const entries: ZipEntry[] = [...bundled.files.map((file) => ({ path: file.path, data: file.contents })), ...nativePackageEntries(bundled.nativePackages)];
  const zip = deterministicZip(entries);
  const loadedAtInit = initSet(bundled.metafile, resolved.root, resolved.outDir);
  const manifest = createManifest({
    zipName: ZIP_NAME,
    zip,
    entries: entries.map((e) => ({ path: e.path, size: e.data.byteLength, init: loadedAtInit.has(e.path) })),
    esbuildVersion: bundled.esbuildVersion,
    runtime: resolved.runtime,
    target: resolved.target,
    architecture: resolved.architecture,
    nativePackages: bundled.nativePackages.map((p) => p.name),
  });

  const zipPath = path.join(resolved.outDir, ZIP_NAME);
  const manifestPath = path.join(resolved.outDir, MANIFEST_NAME);
  writeFilesAtomically([
    { path: zipPath, data: zip },
    { path: manifestPath, data: serializeManifest(manifest) },
  ]);

  return {
    zipPath,
    manifestPath,
    manifest,
    metafile: bundled.metafile,
    bundleBytes: bundled.files.reduce((sum, file) => sum + file.contents.byteLength, 0),
    largestInputs: largestInputs(bundled.metafile),
    sizeBudgetBytes: resolved.sizeBudgetBytes,
    sizeWarning: budgetWarning(zip.byteLength, resolved.sizeBudgetBytes),
    initBudgetBytes: resolved.initBudgetBytes,
    initWarning: initBudgetWarning(manifest.init_bytes, resolved.initBudgetBytes),
  };
}
