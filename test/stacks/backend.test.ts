/** The state backend is chosen at synth time from the environment, with clear errors. */
import { Testing } from 'cdktf';
import { AgentStack } from '../../src/stacks/agent-stack';
import { DEFAULT_S3_STATE_KEY, LOCAL_STATE_PATH, resolveBackend } from '../../src/stacks/backend';
import { resolveAwsProviderMajor } from '../../src/stacks/provider-target';
import { SynthError } from '../../src/stacks/errors';

const ARTIFACT = {
  zipPath: __filename,
  sha256: '0'.repeat(64),
  sourceCodeHash: 'AAAA',
  handlers: { buffered: 'index.handler', streaming: 'index.streamHandler' },
};

describe('resolveBackend', () => {
  test('nothing set keeps local state at the project root, by relative path', () => {
    expect(resolveBackend({})).toEqual({ kind: 'local', path: LOCAL_STATE_PATH });
  });

  test('AGENT_STATE_BUCKET and AGENT_STATE_REGION select S3 with the default key', () => {
    expect(resolveBackend({ AGENT_STATE_BUCKET: 'my-state', AGENT_STATE_REGION: 'eu-west-1' })).toEqual({
      kind: 's3',
      bucket: 'my-state',
      region: 'eu-west-1',
      key: DEFAULT_S3_STATE_KEY,
    });
  });

  test('an S3 backend is synthesized with encryption and S3-native locking', () => {
    const stack = new AgentStack(Testing.app(), 'agent', {
      artifact: ARTIFACT,
      backend: resolveBackend({ AGENT_STATE_BUCKET: 'my-state', AGENT_STATE_REGION: 'eu-west-1', AGENT_STATE_KEY: 'team/agent.tfstate' }),
    });
    const { terraform } = JSON.parse(Testing.synth(stack));
    expect(terraform.backend).toEqual({ s3: { bucket: 'my-state', key: 'team/agent.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } });
  });

  test('a lock table switches S3 locking to DynamoDB', () => {
    const stack = new AgentStack(Testing.app(), 'agent', {
      artifact: ARTIFACT,
      backend: resolveBackend({ AGENT_STATE_BUCKET: 'b', AGENT_STATE_REGION: 'us-east-1', AGENT_STATE_LOCK_TABLE: 'locks' }),
    });
    const { terraform } = JSON.parse(Testing.synth(stack));
    expect(terraform.backend.s3).toMatchObject({ dynamodb_table: 'locks' });
    expect(terraform.backend.s3.use_lockfile).toBeUndefined();
  });

  test.each([
    ['a bucket without a Region', { AGENT_STATE_BUCKET: 'b' }, /AGENT_STATE_REGION is not set\. Set AGENT_STATE_REGION to the bucket's Region/],
    ['a key without a bucket', { AGENT_STATE_KEY: 'k' }, /AGENT_STATE_KEY is set but AGENT_STATE_BUCKET is not/],
  ])('rejects %s', (_label, env, message) => {
    expect(() => resolveBackend(env)).toThrow(SynthError);
    expect(() => resolveBackend(env)).toThrow(message);
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
