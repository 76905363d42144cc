/**
 * Where Terraform keeps the agent stack's state, chosen by a project file
 * read at synth time.
 * The default local backend gets a relative path (cdktf's own default is an
 * absolute path of the machine that ran synth, which would leak into the JSON
 * and make it differ between checkouts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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

/** The project file that chooses the backend; committed, so every synth reads the same choice. */
export const STATE_BACKEND_FILE = 'state-backend.json';

/** The environment variables earlier versions read; naming one now is an error that points to the file. */
const RETIRED_ENV = ['AGENT_STATE_BUCKET', 'AGENT_STATE_REGION', 'AGENT_STATE_KEY', 'AGENT_STATE_LOCK_TABLE'];

const S3_FIELDS: Readonly<Record<string, { required: boolean; description: string }>> = {
  bucket: { required: true, description: 'the state bucket' },
  region: { required: true, description: 'the bucket\'s Region, e.g. "us-east-1"' },
  key: { required: false, description: `the state object key (default "${DEFAULT_S3_STATE_KEY}")` },
  lockTable: { required: false, description: 'a DynamoDB lock table (default: S3 native locking)' },
};

const EXAMPLE = `{ "s3": { "bucket": "my-tf-state", "region": "us-east-1" } }`;

/**
 * Reads the backend from `state-backend.json` at the project root:
 * - no file keeps state in `terraform.agent.tfstate` at the project root;
 * - `{ "s3": { "bucket", "region", "key"?, "lockTable"? } }` selects S3.
 * A file, not environment variables, so the next synth cannot silently fall
 * back to local state because a shell forgot an export.
 */
export function resolveBackend(root: string, env: NodeJS.ProcessEnv = {}): BackendConfig {
  const retired = RETIRED_ENV.filter((name) => env[name] !== undefined);
  const file = path.join(root, STATE_BACKEND_FILE);
  if (retired.length > 0) {
    throw new SynthError(
      'BACKEND_CONFIG',
      `${retired.join(', ')} ${retired.length > 1 ? 'are' : 'is'} set, but the backend is now chosen in ${STATE_BACKEND_FILE}, so that it survives the next synth. Write it there, e.g. ${EXAMPLE}, and unset ${retired.join(', ')}.`,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'local', path: LOCAL_STATE_PATH };
    throw new SynthError('BACKEND_CONFIG', `${STATE_BACKEND_FILE} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const fail = (what: string): never => {
    throw new SynthError('BACKEND_CONFIG', `${STATE_BACKEND_FILE}: ${what} Expected, for example: ${EXAMPLE} (or delete the file for local state).`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(`holds ${JSON.stringify(parsed)}, not an object.`);
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 's3')
    return fail(`has the key${keys.length === 1 ? '' : 's'} ${keys.map((k) => `"${k}"`).join(', ') || '(none)'}; the only backend it chooses is "s3".`);
  const s3 = (parsed as { s3: unknown }).s3;
  if (typeof s3 !== 'object' || s3 === null || Array.isArray(s3)) return fail(`"s3" is ${JSON.stringify(s3)}, not an object.`);
  const fields = s3 as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!(name in S3_FIELDS)) return fail(`"s3" has the unknown field "${name}"; known fields: ${Object.keys(S3_FIELDS).join(', ')}.`);
  }
  const value = (name: string): string | undefined => {
    const v = fields[name];
    if (v === undefined) {
      if (S3_FIELDS[name].required) fail(`"s3" has no "${name}": set it to ${S3_FIELDS[name].description}.`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '')
      return fail(`"s3"."${name}" is ${JSON.stringify(v)}; it must be a non-empty string, ${S3_FIELDS[name].description}.`);
    return v.trim();
  };
  const lockTable = value('lockTable');
  return {
    kind: 's3',
    bucket: value('bucket')!,
    region: value('region')!,
    key: value('key') ?? DEFAULT_S3_STATE_KEY,
    ...(lockTable ? { dynamodbTable: lockTable } : {}),
  };
}

export function applyBackend(stack: TerraformStack, config: BackendConfig): void {
  if (config.kind === 'local') {
    new LocalBackend(stack, { path: config.path });
    return;
  }
  new S3Backend(stack, { bucket: config.bucket, key: config.key, region: config.region, encrypt: true, dynamodbTable: config.dynamodbTable });
  if (!config.dynamodbTable) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
