/** The state backend is chosen by a project file read at synth time, with clear errors. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { AgentStack } from '../../src/stacks/agent-stack';
import { DEFAULT_S3_STATE_KEY, LOCAL_STATE_PATH, STATE_BACKEND_FILE, resolveBackend } from '../../src/stacks/backend';
import { resolveAwsProviderMajor } from '../../src/stacks/provider-target';
import { SynthError } from '../../src/stacks/errors';

const ARTIFACT = {
  zipPath: __filename,
  sha256: '0'.repeat(64),
  sourceCodeHash: 'AAAA',
  handlers: { buffered: 'index.handler', streaming: 'index.streamHandler', breaker: 'index.breakerHandler', jobs: 'index.jobHandler' },
};

describe('the state backend, chosen in state-backend.json', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (content: unknown) => fs.writeFileSync(path.join(root, STATE_BACKEND_FILE), typeof content === 'string' ? content : JSON.stringify(content));
  const backendOf = (config: ReturnType<typeof resolveBackend>) =>
    JSON.parse(Testing.synth(new AgentStack(Testing.app(), 'agent', { artifact: ARTIFACT, backend: config }))).terraform.backend;

  test('no file keeps local state at the project root, by relative path', () => {
    expect(resolveBackend(root)).toEqual({ kind: 'local', path: LOCAL_STATE_PATH });
  });

  test('an s3 entry selects S3 with the default key, encryption and S3-native locking', () => {
    write({ s3: { bucket: 'my-state', region: 'eu-west-1' } });
    expect(backendOf(resolveBackend(root))).toEqual({
      s3: { bucket: 'my-state', key: DEFAULT_S3_STATE_KEY, region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  test('the choice is durable: every later synth, whatever its environment, reads the same backend', () => {
    write({ s3: { bucket: 'my-state', region: 'eu-west-1', key: 'team/agent.tfstate' } });
    const first = backendOf(resolveBackend(root, {}));
    const later = backendOf(resolveBackend(root, { PATH: process.env.PATH }));
    expect(later).toEqual(first);
    expect(later.s3.key).toBe('team/agent.tfstate');
  });

  test('a lock table switches S3 locking to DynamoDB', () => {
    write({ s3: { bucket: 'b', region: 'us-east-1', lockTable: 'locks' } });
    const backend = backendOf(resolveBackend(root));
    expect(backend.s3).toMatchObject({ dynamodb_table: 'locks' });
    expect(backend.s3.use_lockfile).toBeUndefined();
  });

  test.each([
    ['a bucket without a Region', { s3: { bucket: 'b' } }, /state-backend\.json: "s3" has no "region": set it to the bucket's Region/],
    [
      'an unknown field',
      { s3: { bucket: 'b', region: 'us-east-1', dynamodb_table: 'x' } },
      /"s3" has the unknown field "dynamodb_table"; known fields: bucket, region, key, lockTable/,
    ],
    ['another backend', { gcs: { bucket: 'b' } }, /has the key "gcs"; the only backend it chooses is "s3"/],
    ['an empty bucket', { s3: { bucket: ' ', region: 'us-east-1' } }, /"s3"."bucket" is " "; it must be a non-empty string/],
    ['text that is not JSON', '{ s3: ', /state-backend\.json: is not valid JSON/],
  ])('rejects %s, saying what to write', (_label, content, message) => {
    write(content);
    expect(() => resolveBackend(root)).toThrow(SynthError);
    expect(() => resolveBackend(root)).toThrow(message);
    expect(() => resolveBackend(root)).toThrow(/Expected, for example: \{ "s3": \{ "bucket": "my-tf-state", "region": "us-east-1" \} \}/);
  });

  test('the environment variables of earlier versions are refused, pointing to the file', () => {
    expect(() => resolveBackend(root, { AGENT_STATE_BUCKET: 'b', AGENT_STATE_REGION: 'us-east-1' })).toThrow(
      /AGENT_STATE_BUCKET, AGENT_STATE_REGION are set, but the backend is now chosen in state-backend\.json, so that it survives the next synth/,
    );
  });
});

describe('provider target (AGENT_AWS_PROVIDER_MAJOR)', () => {
  const synth = (awsProviderMajor: 5 | 6) => JSON.parse(Testing.synth(new AgentStack(Testing.app(), 'agent', { artifact: ARTIFACT, awsProviderMajor })));

  test('by default the public InvokeFunction permission has no Function URL condition, and 5.100.0 is admitted', () => {
    const json = synth(resolveAwsProviderMajor({}));
    expect(json.resource.aws_lambda_permission.public_invoke.invoked_via_function_url).toBeUndefined();
    expect(json.terraform.required_providers.aws.version).toBe('>= 5.100.0, < 7.0.0');
  });

  test('with 6 the permission is bound to Function URL calls and the provider pinned to >= 6.29.0', () => {
    const json = synth(resolveAwsProviderMajor({ AGENT_AWS_PROVIDER_MAJOR: '6' }));
    expect(json.resource.aws_lambda_permission.public_invoke).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: '*',
      invoked_via_function_url: true,
    });
    expect(json.terraform.required_providers.aws.version).toBe('>= 6.29.0, < 7.0.0');
  });

  test('another value is refused, naming the allowed ones', () => {
    expect(() => resolveAwsProviderMajor({ AGENT_AWS_PROVIDER_MAJOR: '7' })).toThrow('AGENT_AWS_PROVIDER_MAJOR is "7"; use 5');
  });
});
