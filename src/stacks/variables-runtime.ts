/** How the function runs: size, timeout, concurrency, abuse limits, logs and tracing. */
import { DEFAULT_RUNTIME, LAMBDA_NODE_RUNTIMES } from '../../build/runtimes';
import { LOG_RETENTION_DAYS, intRange, oneOf, type VariableSpec } from './variable-types';

/** The runtimes the zip is built and tested for: the build's table, not a second list. */
const RUNTIMES = Object.keys(LAMBDA_NODE_RUNTIMES);

/**
 * The function timeout the stack accepts, in seconds. Below 10 s a model call
 * rarely finishes; 900 s is Lambda's maximum. `npm run check` holds plans to it.
 */
export const FUNCTION_TIMEOUT_SECONDS = { min: 10, max: 900 } as const;

export const RUNTIME_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'memory_size',
    group: 'Function',
    type: 'number',
    default: 512,
    description: 'Memory of the function in MB, 128 to 10240; CPU scales with it.',
    validation: [intRange('memory_size', 128, 10240, 'MB')],
  },
  {
    name: 'timeout_seconds',
    group: 'Function',
    type: 'number',
    default: 120,
    description: `Function timeout in seconds, ${FUNCTION_TIMEOUT_SECONDS.min} to ${FUNCTION_TIMEOUT_SECONDS.max}. The agent stops starting work when the rest cannot fit.`,
    validation: [intRange('timeout_seconds', FUNCTION_TIMEOUT_SECONDS.min, FUNCTION_TIMEOUT_SECONDS.max, 'seconds')],
  },
  {
    name: 'reserved_concurrency',
    group: 'Function',
    type: 'number',
    default: 10,
    description: 'Concurrent executions reserved for (and capped at) this function, 0 to 1000. 0 stops all invocations.',
    validation: [intRange('reserved_concurrency', 0, 1000, 'executions')],
  },
  {
    name: 'provisioned_concurrency',
    group: 'Function',
    type: 'number',
    default: 0,
    description:
      'Execution environments kept initialised (no cold starts), 0 (off) to 100: publishes a version, points the alias "live" at it and serves the Function URL from it. Billed while provisioned, used or not; at most reserved_concurrency.',
    validation: [
      intRange('provisioned_concurrency', 0, 100, 'environments'),
      {
        condition: '${var.provisioned_concurrency <= var.reserved_concurrency}',
        errorMessage:
          "provisioned_concurrency must be at most reserved_concurrency: Lambda keeps provisioned environments within the function's reserved concurrency. Raise reserved_concurrency, or lower provisioned_concurrency.",
      },
    ],
  },
  {
    name: 'architecture',
    group: 'Function',
    type: 'string',
    default: 'arm64',
    description: 'Instruction set: "arm64" (Graviton, cheaper) or "x86_64".',
    validation: [oneOf('architecture', ['arm64', 'x86_64'])],
  },
  {
    name: 'runtime',
    group: 'Function',
    type: 'string',
    default: DEFAULT_RUNTIME,
    description: `Lambda runtime: ${RUNTIMES.map((r) => `"${r}"`).join(', ')}, the runtimes the zip is built and tested for (build/runtimes.ts).`,
    validation: [oneOf('runtime', RUNTIMES)],
  },
  {
    name: 'log_retention_days',
    group: 'Observability',
    type: 'number',
    default: 30,
    description: `Days CloudWatch keeps the function's logs: one of ${LOG_RETENTION_DAYS.join(', ')}.`,
    validation: [
      {
        condition: `\${contains([${LOG_RETENTION_DAYS.join(', ')}], var.log_retention_days)}`,
        errorMessage: `log_retention_days must be one of ${LOG_RETENTION_DAYS.join(', ')}.`,
      },
    ],
  },
  {
    name: 'tracing_enabled',
    group: 'Observability',
    type: 'bool',
    default: false,
    description: 'Send AWS X-Ray traces (tracing mode "Active"); false passes through upstream trace headers only.',
  },
];
