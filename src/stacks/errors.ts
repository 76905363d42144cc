/**
 * Errors raised while synthesizing the stacks. Each carries a stable `code`
 * and says what was wrong, the value, and how to fix it.
 */

export type SynthErrorCode = 'ARTIFACT_MISSING' | 'ARTIFACT_INVALID' | 'ARTIFACT_STALE' | 'BACKEND_CONFIG' | 'PROVIDER_CONFIG';

export class SynthError extends Error {
  readonly code: SynthErrorCode;

  constructor(code: SynthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SynthError';
    this.code = code;
  }
}
