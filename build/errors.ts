/**
 * Errors raised by the build pipeline. Each carries a stable `code` so the CLI
 * and tests can tell failures apart without matching on message text.
 */

export type BuildErrorCode =
  'ENTRY_NOT_FOUND' | 'TYPE_ERROR' | 'BUNDLE_FAILED' | 'NATIVE_ADDON' | 'INVALID_OPTION' | 'CONTAINER_ENGINE_MISSING' | 'CONTAINER_BUILD_FAILED';

/** Root of every error the build pipeline throws on purpose. */
export class BuildError extends Error {
  readonly code: BuildErrorCode;

  constructor(code: BuildErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildError';
    this.code = code;
  }
}

export function entryNotFound(entry: string): BuildError {
  return new BuildError('ENTRY_NOT_FOUND', `Cannot find \`${entry}\`. Create it, or pass \`--entry <file>\` pointing at your handler module.`);
}

export function typeErrors(diagnostics: string, count: number): BuildError {
  return new BuildError(
    'TYPE_ERROR',
    `The handler has ${count} type error${count === 1 ? '' : 's'}; nothing was built:\n${diagnostics}\n` +
      'Fix them (`npm run typecheck` lists every error in the project). `--no-typecheck` builds anyway, for experiments only.',
  );
}

export function bundleFailed(diagnostics: string, cause?: unknown): BuildError {
  return new BuildError('BUNDLE_FAILED', `esbuild could not bundle the handler:\n${diagnostics}`, { cause });
}

export function nativeAddon(pkg: string, evidence: string, architecture: string): BuildError {
  return new BuildError(
    'NATIVE_ADDON',
    `Package \`${pkg}\` is a native addon (${evidence}). A native binary built on this machine ` +
      `would crash on Lambda (Amazon Linux 2023, ${architecture}). Remove the dependency, or build ` +
      `inside the Lambda image with \`npm run build -- --container --arch ${architecture}\`, which ` +
      `installs the addon for Lambda's platform and ships it in the zip.`,
  );
}

export function invalidOption(option: string, value: unknown, fix: string): BuildError {
  return new BuildError('INVALID_OPTION', `Invalid \`${option}\`: ${JSON.stringify(value)}. ${fix}`);
}

export function containerEngineMissing(detail: string): BuildError {
  return new BuildError(
    'CONTAINER_ENGINE_MISSING',
    `\`--container\` needs a running container engine (docker or podman), but ${detail}. ` +
      `Install and start Docker or Podman, or set \`CONTAINER_ENGINE\` to its command; ` +
      `the plain \`npm run build\` produces the same zip for pure-JS code.`,
  );
}

export function containerBuildFailed(command: string, exitCode: number | null): BuildError {
  return new BuildError(
    'CONTAINER_BUILD_FAILED',
    `The container build exited with code ${exitCode ?? 'unknown'}. Command:\n  ${command}\n` + `Its output above says what failed.`,
  );
}
