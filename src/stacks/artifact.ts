/**
 * The build's result as the stacks consume it: the zip's path and the
 * manifest's hashes. Stacks never bundle; they read what `npm run build` wrote
 * and refuse a zip that does not match its manifest.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SynthError } from './errors';

export interface FunctionArtifact {
  /** Absolute path of the zip. */
  readonly zipPath: string;
  /** Hex SHA-256 of the zip. */
  readonly sha256: string;
  /** Base64 SHA-256 of the zip, i.e. `filebase64sha256()`. */
  readonly sourceCodeHash: string;
  readonly handlers: { readonly buffered: string; readonly streaming: string; readonly breaker: string; readonly jobs: string };
}

/** The manifest file `npm run build` writes beside the zip. */
export const DEFAULT_MANIFEST_PATH = 'dist/function.manifest.json';

export function loadArtifact(manifestPath: string): FunctionArtifact {
  if (!fs.existsSync(manifestPath)) {
    throw new SynthError(
      'ARTIFACT_MISSING',
      `Cannot find the build manifest \`${manifestPath}\`. Run \`npm run build\` first, or \`npm run synth\`, which builds before it synthesizes.`,
    );
  }
  let manifest: {
    zip?: unknown;
    sha256?: unknown;
    source_code_hash?: unknown;
    handlers?: { buffered?: unknown; streaming?: unknown; breaker?: unknown; jobs?: unknown };
  };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (error) {
    throw new SynthError('ARTIFACT_INVALID', `The build manifest \`${manifestPath}\` is not valid JSON. Run \`npm run build\` again.`, { cause: error });
  }
  const { zip, sha256, source_code_hash: sourceCodeHash, handlers } = manifest;
  if (
    typeof zip !== 'string' ||
    typeof sha256 !== 'string' ||
    typeof sourceCodeHash !== 'string' ||
    typeof handlers?.buffered !== 'string' ||
    typeof handlers?.streaming !== 'string' ||
    typeof handlers?.breaker !== 'string' ||
    typeof handlers?.jobs !== 'string'
  ) {
    throw new SynthError(
      'ARTIFACT_INVALID',
      `The build manifest \`${manifestPath}\` lacks zip, sha256, source_code_hash or handlers. Run \`npm run build\` again.`,
    );
  }
  const zipPath = path.resolve(path.dirname(manifestPath), zip);
  if (!fs.existsSync(zipPath)) {
    throw new SynthError('ARTIFACT_MISSING', `The manifest names \`${zipPath}\`, which does not exist. Run \`npm run build\` again.`);
  }
  const actual = createHash('sha256').update(fs.readFileSync(zipPath)).digest('hex');
  if (actual !== sha256) {
    throw new SynthError(
      'ARTIFACT_STALE',
      `\`${zipPath}\` has sha256 ${actual}, but its manifest says ${sha256}: the zip changed after the build. Run \`npm run build\` again.`,
    );
  }
  return {
    zipPath,
    sha256,
    sourceCodeHash,
    handlers: { buffered: handlers.buffered, streaming: handlers.streaming, breaker: handlers.breaker, jobs: handlers.jobs },
  };
}
