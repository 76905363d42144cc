/**
 * Where Terraform keeps the agent stack's state, chosen at synth time.
 * The default local backend gets a relative path (cdktf's own default is an
 * absolute path of the machine that ran synth, which would leak into the JSON
 * and make it differ between checkouts).
 */
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { SynthError } from './errors';

/** State file of the local backend, relative to the stack folder `cdktf.out/stacks/agent`: the project root. */
export const LOCAL_STATE_PATH = '../../../terraform.agent.tfstate';
export const DEFAULT_S3_STATE_KEY = 'claude-agent/terraform.tfstate';

export type BackendConfig =
  | { readonly kind: 'local'; readonly path: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      /** DynamoDB lock table; without one, S3 native locking (`use_lockfile`, Terraform ≥ 1.10). */
      readonly dynamodbTable?: string;
    };

/**
 * Reads the backend from the environment:
 * - `AGENT_STATE_BUCKET` (and `AGENT_STATE_REGION`) selects S3;
 * - `AGENT_STATE_KEY` (default `claude-agent/terraform.tfstate`), `AGENT_STATE_LOCK_TABLE` refine it;
 * - nothing set keeps state in `terraform.agent.tfstate` at the project root.
 */
export function resolveBackend(env: NodeJS.ProcessEnv): BackendConfig {
  const bucket = env.AGENT_STATE_BUCKET?.trim();
  if (!bucket) {
    const stray = ['AGENT_STATE_KEY', 'AGENT_STATE_REGION', 'AGENT_STATE_LOCK_TABLE'].filter((name) => env[name]);
    if (stray.length > 0) {
      throw new SynthError(
        'BACKEND_CONFIG',
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but AGENT_STATE_BUCKET is not. Set AGENT_STATE_BUCKET to your state bucket, or unset ${stray.join(', ')}.`,
      );
    }
    return { kind: 'local', path: LOCAL_STATE_PATH };
  }
  const region = env.AGENT_STATE_REGION?.trim();
  if (!region) {
    throw new SynthError(
      'BACKEND_CONFIG',
      `AGENT_STATE_BUCKET is "${bucket}" but AGENT_STATE_REGION is not set. Set AGENT_STATE_REGION to the bucket's Region, e.g. "us-east-1".`,
    );
  }
  const lockTable = env.AGENT_STATE_LOCK_TABLE?.trim();
  return { kind: 's3', bucket, region, key: env.AGENT_STATE_KEY?.trim() || DEFAULT_S3_STATE_KEY, ...(lockTable ? { dynamodbTable: lockTable } : {}) };
}

export function applyBackend(stack: TerraformStack, config: BackendConfig): void {
  if (config.kind === 'local') {
    new LocalBackend(stack, { path: config.path });
    return;
  }
  new S3Backend(stack, { bucket: config.bucket, key: config.key, region: config.region, encrypt: true, dynamodbTable: config.dynamodbTable });
  if (!config.dynamodbTable) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
