/**
 * The Lambda Node.js runtimes the zip can be built for, and what follows
 * from each: esbuild's target is the runtime's Node major, as AWS CDK's
 * aws-lambda-nodejs derives it (`toTarget(runtime)`), never a second,
 * hand-kept setting.
 */

/** Lambda runtime identifier → its Node.js major. */
export const LAMBDA_NODE_RUNTIMES = {
  'nodejs22.x': 22,
} as const;

export type LambdaRuntime = keyof typeof LAMBDA_NODE_RUNTIMES;

/** The runtime the zip is built for unless told otherwise. */
export const DEFAULT_RUNTIME: LambdaRuntime = 'nodejs22.x';

export function isLambdaRuntime(value: unknown): value is LambdaRuntime {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(LAMBDA_NODE_RUNTIMES, value);
}

/** `nodejs22.x` → `node22`. */
export function esbuildTarget(runtime: LambdaRuntime): string {
  return `node${LAMBDA_NODE_RUNTIMES[runtime]}`;
}
