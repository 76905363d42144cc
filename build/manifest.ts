/**
 * Step 3: the manifest beside the zip. It holds nothing host-dependent (no
 * time, no absolute path, no Node version), so it is as reproducible as the zip.
 */
import { createHash } from 'node:crypto';
import type { Architecture } from './options';
import type { LambdaRuntime } from './runtimes';

export interface ManifestEntry {
  readonly path: string;
  /** @unit bytes, uncompressed */
  readonly size: number;
  /** Loaded by every cold start (the entry and its static imports), else on first use. */
  readonly init: boolean;
}

export interface BuildManifest {
  readonly schema_version: 1;
  /** Zip file name, relative to the manifest. */
  readonly zip: string;
  /** Hex SHA-256 of the zip bytes, as `sha256sum` prints it. */
  readonly sha256: string;
  /** Base64 of the raw SHA-256 of the zip: what Terraform's `filebase64sha256()` returns. */
  readonly source_code_hash: string;
  /** @unit bytes */
  readonly size_bytes: number;
  /** What every cold start loads: the entries marked `init`, uncompressed. @unit bytes */
  readonly init_bytes: number;
  readonly entries: readonly ManifestEntry[];
  readonly esbuild_version: string;
  /** Lambda runtime the zip was built for. */
  readonly runtime: LambdaRuntime;
  /** esbuild target, the runtime's Node major (`node22` for `nodejs22.x`). */
  readonly target: string;
  readonly architecture: Architecture;
  /** Handler strings for the two exports of the bundle. */
  readonly handlers: { readonly buffered: string; readonly streaming: string; readonly breaker: string; readonly jobs: string };
  /** Native packages shipped as node_modules (container builds only). */
  readonly native_packages: readonly string[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Equivalent of Terraform's `filebase64sha256(path)`. */
export function base64Sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

export function createManifest(input: {
  zipName: string;
  zip: Uint8Array;
  entries: readonly ManifestEntry[];
  esbuildVersion: string;
  runtime: LambdaRuntime;
  target: string;
  architecture: Architecture;
  nativePackages: readonly string[];
}): BuildManifest {
  return {
    schema_version: 1,
    zip: input.zipName,
    sha256: sha256Hex(input.zip),
    source_code_hash: base64Sha256(input.zip),
    size_bytes: input.zip.byteLength,
    init_bytes: input.entries.reduce((sum, e) => sum + (e.init ? e.size : 0), 0),
    entries: [...input.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    esbuild_version: input.esbuildVersion,
    runtime: input.runtime,
    target: input.target,
    architecture: input.architecture,
    handlers: { buffered: 'index.handler', streaming: 'index.streamHandler', breaker: 'index.breakerHandler', jobs: 'index.jobHandler' },
    native_packages: [...input.nativePackages].sort(),
  };
}

export function serializeManifest(manifest: BuildManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
