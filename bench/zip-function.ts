/**
 * The zip as deployed, for the benchmarks: built by the real pipeline,
 * unpacked, and run by Lambda's runtime interface client on Lambda's Node
 * (or this machine's, said in the report when Node 22 is not installed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildManifest } from '../build/manifest';
import { build } from '../build/pipeline';
import { unpackZip } from '../build/zip';
import { hostNode, lambdaNode, MissingToolError, type NodeBinary } from '../src/dev/lambda/binaries';
import { LocalFunction } from '../src/dev/lambda/local-function';

const ROOT = path.resolve(__dirname, '..');

/** Builds `entry` into `dir` and unpacks it; returns the task root. */
export async function buildZip(
  dir: string,
  entry?: string,
): Promise<{ taskRoot: string; zipBytes: number; manifest: BuildManifest; sizeBudgetBytes: number; initBudgetBytes: number }> {
  const result = await build({ root: ROOT, outDir: dir, ...(entry ? { entry } : {}) });
  const taskRoot = path.join(dir, 'task');
  unpackZip(fs.readFileSync(result.zipPath), taskRoot);
  return {
    taskRoot,
    zipBytes: result.manifest.size_bytes,
    manifest: result.manifest,
    sizeBudgetBytes: result.sizeBudgetBytes,
    initBudgetBytes: result.initBudgetBytes,
  };
}

export function benchNode(): NodeBinary {
  try {
    return lambdaNode('nodejs22.x');
  } catch (error) {
    if (!(error instanceof MissingToolError)) throw error;
    return hostNode();
  }
}

export function zipFunction(taskRoot: string, handler: string, environment: Record<string, string>, node: NodeBinary = benchNode()): LocalFunction {
  return new LocalFunction({ taskRoot, handler, node, environment });
}

/** Paths that take the agent's request body. */
const POSTED = new Set(['/agent', '/jobs']);

export function functionUrlEvent(input: string, path = '/agent', extra: Record<string, unknown> = {}) {
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    // Signed, as the stack's default AWS_IAM URL delivers every event.
    requestContext: {
      requestId: 'bench',
      authorizer: { iam: { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:user/bench' } },
      http: { method: POSTED.has(path) ? 'POST' : 'GET', path, sourceIp: '127.0.0.1' },
    },
    ...(POSTED.has(path) ? { body: JSON.stringify({ input, ...extra }) } : {}),
    isBase64Encoded: false,
  };
}

/** The secret the benchmarks' local Secrets Manager holds the key under. */
export const BENCH_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-key-AbCdEf';

/** What the stack deploys for llm_provider = "anthropic", pointed at the benchmarks' local stand-ins. */
export function anthropicBenchEnv(apiUrl: string, secretsManagerUrl: string): Record<string, string> {
  return {
    LLM_PROVIDER: 'anthropic',
    MODEL_ID: 'claude-sonnet-5-5',
    ANTHROPIC_API_KEY_SECRET_ARN: BENCH_SECRET_ARN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
    ANTHROPIC_BASE_URL: apiUrl,
  };
}
