/**
 * Shape of the synthesized agent stack, one behaviour per test. What
 * Terraform makes of it is checked by the offline plan tests.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Testing } from 'cdktf';
import type { FunctionArtifact } from '../../src/stacks/artifact';
import { AgentStack, AWS_PROVIDER_CONSTRAINT } from '../../src/stacks/agent-stack';
import { SETTINGS } from '../../src/function/settings/table';
import { deployedSettings } from '../../src/stacks/function-environment';
import { VARIABLE_SPECS } from '../../src/stacks/variable-specs';
import { buildArtifact } from '../helpers/stack';
import { makeTempDir, removeDir } from '../helpers/temp';

interface SynthJson {
  terraform: { required_providers: { aws: { source: string; version: string } }; backend: Record<string, Record<string, unknown>> };
  variable: Record<string, { type?: string; default?: unknown; description?: string; validation?: unknown[]; sensitive?: boolean; nullable?: boolean }>;
  output: Record<string, { value: string; description?: string }>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
}

describe('AgentStack', () => {
  let dir: string;
  let artifact: FunctionArtifact;
  let synthesized: string;
  let json: SynthJson;

  beforeAll(async () => {
    dir = makeTempDir('stack');
    artifact = await buildArtifact(dir);
    const app = Testing.app();
    synthesized = Testing.synth(new AgentStack(app, 'agent', { artifact }));
    json = JSON.parse(synthesized);
  });
  afterAll(() => removeDir(dir));

  test('the function runs the build’s zip with the manifest’s source_code_hash', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, { source_code_hash: artifact.sourceCodeHash });
    const fn = json.resource.aws_lambda_function.agent;
    expect(fn.filename).toBe(`assets/agent_zip_EEF0F2CE/${artifact.sha256}/function.zip`);
  });

  test('the handler is chosen by invoke_mode at plan time, between the two exports of one module', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      handler: '${(var.invoke_mode == "RESPONSE_STREAM") ? "index.streamHandler" : "index.handler"}',
    });
  });

  test('the function logs JSON to its own log group, which exists before it', () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/${var.function_name}',
      retention_in_days: '${var.log_retention_days}',
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      logging_config: expect.objectContaining({ log_format: 'JSON', log_group: '${aws_cloudwatch_log_group.agent.name}' }),
      depends_on: expect.arrayContaining(['aws_cloudwatch_log_group.agent']),
    });
  });

  test('memory, timeout, concurrency, runtime and architecture are variables', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      memory_size: '${var.memory_size}',
      timeout: '${var.timeout_seconds}',
      reserved_concurrent_executions: '${var.reserved_concurrency}',
      runtime: '${var.runtime}',
      architectures: ['${var.architecture}'],
    });
  });

  test('the Bedrock policy is counted in only when llm_provider is bedrock', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: 'bedrock-invoke', count: '${(var.llm_provider == "bedrock") ? 1 : 0}' });
  });

  test('the secret policy is counted in only when llm_provider is anthropic', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { name: 'anthropic-api-key', count: '${(var.llm_provider == "anthropic") ? 1 : 0}' });
  });

  test('a secret is created only when a key is given and no secret ARN is', () => {
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      count:
        '${(((var.llm_provider == "anthropic") && !(length(var.anthropic_api_key_secret_arn) >= 1)) && nonsensitive((length(var.anthropic_api_key) >= 1))) ? 1 : 0}',
    });
  });

  test('every setting a variable delivers is in the function’s environment, under its own name', () => {
    expect((json.resource.aws_lambda_function.agent.environment as { variables: string }).variables).toBe('${local.agent_environment}');
    const env = String(json.locals?.agent_environment);
    const keys = [...env.matchAll(/\b([A-Z][A-Z0-9_]+) = /g)].map((m) => m[1]).sort();
    expect(keys).toEqual(deployedSettings().sort());
  });

  test('the jobs worker gets the agent’s settings and its own, which the agent does not', () => {
    expect((json.resource.aws_lambda_function.jobs_worker.environment as { variables: string }).variables).toBe('${local.jobs_worker_environment}');
    const env = String(json.locals?.jobs_worker_environment);
    const keys = [...env.matchAll(/\b([A-Z][A-Z0-9_]+) = /g)].map((m) => m[1]).sort();
    expect(keys).toEqual(deployedSettings('worker').sort());
    const workerOnly = deployedSettings('worker').filter((name) => !deployedSettings().includes(name));
    expect(workerOnly).toEqual(expect.arrayContaining(['JOB_MAX_RECEIVE_COUNT', 'JOB_EVENTS_ENABLED', 'JOB_EVENT_SOURCE']));
  });

  test('every setting a variable delivers has that variable, with the table’s default', () => {
    for (const name of deployedSettings()) {
      const delivery = SETTINGS[name].delivery;
      if (delivery.by !== 'variable') continue;
      expect({ name, default: json.variable[delivery.variable]?.default }).toEqual({ name, default: SETTINGS[name].default });
    }
  });

  test('every setting the stack computes comes from a local of the stack', () => {
    for (const name of deployedSettings()) {
      const delivery = SETTINGS[name].delivery;
      if (delivery.by !== 'stack') continue;
      expect({ name, local: json.locals?.[delivery.local] !== undefined, when: json.locals?.[delivery.onlyWhen] !== undefined }).toEqual({
        name,
        local: true,
        when: true,
      });
    }
  });

  test('the environment references the secret by ARN and never reads the key variable', () => {
    const env = JSON.stringify(json.locals?.agent_environment);
    expect(env).toContain('ANTHROPIC_API_KEY_SECRET_ARN = local.anthropic_api_key_secret_arn');
    expect(env).not.toMatch(/var\.anthropic_api_key\b(?!_)/);
  });

  test('the Function URL takes auth type and invoke mode from variables', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunctionUrl, {
      authorization_type: '${var.function_url_auth_type}',
      invoke_mode: '${var.invoke_mode}',
    });
  });

  test('CORS is a dynamic block that exists only when origins are listed', () => {
    expect(json.resource.aws_lambda_function_url.agent.dynamic).toEqual({
      cors: {
        for_each: '${(length(var.cors_allowed_origins) >= 1) ? [1] : []}',
        content: expect.objectContaining({ allow_origins: '${var.cors_allowed_origins}', allow_methods: ['GET', 'POST'], expose_headers: ['x-request-id'] }),
      },
    });
  });

  test('the provider Region and default tags come from variables', () => {
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, { region: '${var.aws_region}' });
  });

  test.each(['function_url', 'function_name', 'function_arn', 'role_arn', 'log_group_name', 'source_code_hash'])(
    'output %s exists with a description',
    (name) => {
      expect(json.output[name]?.value).toMatch(/^\$\{.+\}$/);
      expect(json.output[name]?.description?.length).toBeGreaterThan(10);
    },
  );

  test('every variable has a type, a default and a one-sentence description', () => {
    for (const spec of VARIABLE_SPECS) {
      const variable = json.variable[spec.name];
      expect({ name: spec.name, type: variable?.type, hasDefault: variable && 'default' in variable }).toEqual({
        name: spec.name,
        type: spec.type,
        hasDefault: true,
      });
      expect(variable.description).toMatch(/^[A-Z].*\.$/);
    }
  });

  test('every variable with a closed set of values has a validation block', () => {
    const closed = [
      'llm_provider',
      'function_url_auth_type',
      'invoke_mode',
      'architecture',
      'runtime',
      'log_retention_days',
      'memory_size',
      'timeout_seconds',
      'reserved_concurrency',
    ];
    for (const name of closed) expect({ name, validated: (json.variable[name].validation?.length ?? 0) > 0 }).toEqual({ name, validated: true });
  });

  test('the API key variable is sensitive', () => {
    expect(json.variable.anthropic_api_key.sensitive).toBe(true);
  });

  test('required_providers admits hashicorp/aws 5.100.0 and current 6.x', () => {
    expect(json.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: AWS_PROVIDER_CONSTRAINT });
    expect(satisfies('5.100.0', AWS_PROVIDER_CONSTRAINT)).toBe(true);
    expect(satisfies('6.21.0', AWS_PROVIDER_CONSTRAINT)).toBe(true);
    expect(satisfies('5.99.1', AWS_PROVIDER_CONSTRAINT)).toBe(false);
    expect(satisfies('7.0.0', AWS_PROVIDER_CONSTRAINT)).toBe(false);
  });

  test('the function security group is counted in only with a vpc_id', () => {
    expect(synthesized).toHaveResourceWithProperties(SecurityGroup, { name: '${var.function_name}-function', count: '${(length(var.vpc_id) >= 1) ? 1 : 0}' });
  });

  test('interface endpoints are one per service in local.vpc_endpoint_services', () => {
    expect(synthesized).toHaveResourceWithProperties(VpcEndpoint, {
      for_each: '${toset(local.vpc_endpoint_services)}',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      service_name: 'com.amazonaws.${data.aws_region.current.name}.${each.key}',
    });
  });

  test('vpc_config is a dynamic block that exists only with a vpc_id', () => {
    expect(json.resource.aws_lambda_function.agent.dynamic).toEqual({
      vpc_config: {
        for_each: '${(length(var.vpc_id) >= 1) ? [1] : []}',
        content: { subnet_ids: '${var.vpc_subnet_ids}', security_group_ids: ['${aws_security_group.function[0].id}'] },
      },
    });
  });

  test('the function waits for its ENI permissions', () => {
    expect(json.resource.aws_lambda_function.agent.depends_on).toContain('aws_iam_role_policy.vpc_access');
  });

  test('the jobs worker is placed by the same vpc_config block as the agent, and waits for its own ENI permissions', () => {
    const worker = json.resource.aws_lambda_function.jobs_worker;
    expect(worker.dynamic).toEqual(json.resource.aws_lambda_function.agent.dynamic);
    expect(worker.depends_on).toContain('aws_iam_role_policy.jobs_worker_vpc_access');
    expect(json.resource.aws_iam_role_policy.jobs_worker_vpc_access).toMatchObject({
      count: '${(local.jobs_enabled && (length(var.vpc_id) >= 1)) ? 1 : 0}',
      name: 'vpc-access',
      policy: json.resource.aws_iam_role_policy.vpc_access.policy,
    });
  });

  test('the default backend is local state at a relative path', () => {
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.agent.tfstate' } });
  });
});

/** Terraform's `>=`/`<` constraint list, enough for the constraint we emit. */
function satisfies(version: string, constraint: string): boolean {
  const parse = (v: string) => v.split('.').map(Number);
  const compare = (a: number[], b: number[]) => a.reduce((acc, n, i) => acc || Math.sign(n - (b[i] ?? 0)), 0);
  return constraint.split(',').every((part) => {
    const [, op, v] = /^\s*(>=|<=|<|>|=)?\s*([\d.]+)\s*$/.exec(part) ?? [];
    const c = compare(parse(version), parse(v));
    return op === '>=' ? c >= 0 : op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c === 0;
  });
}
