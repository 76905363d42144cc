/**
 * The agent stack: variables, provider, backend, the function construct and
 * the outputs. Everything a user changes between deploys is a variable; the
 * synthesized JSON depends only on the source and the build's zip.
 *
 * One construct, two forms: the root stack (`cdktf deploy`, or `terraform
 * plan` in its folder) configures its provider and backend; the module form
 * has neither, so a caller's Terraform can use it with its own provider,
 * `count`, `for_each` and `depends_on`. Both declare the same variables and
 * outputs.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fn, TerraformOutput, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { AgentFunction } from './agent-function';
import type { FunctionArtifact } from './artifact';
import { LOCAL_STATE_PATH, applyBackend, type BackendConfig } from './backend';
import { Jobs } from './jobs';
import { Cognito } from './cognito';
import { ModelLocals } from './model-locals';
import { Observability } from './observability';
import type { StackContext } from './stack-context';
import { StackVariables } from './variables';

/** `root`: a root configuration with provider and backend. `module`: a module without either. */
export type StackForm = 'root' | 'module';

/** The tag every resource carries. */
const MANAGED_BY = { 'managed-by': 'claude-agent-lambda' };

export interface AgentStackProps {
  /** The zip and hashes written by `npm run build`. */
  readonly artifact: FunctionArtifact;
  /** @default 'root' */
  readonly form?: StackForm;
  /**
   * Where Terraform keeps state (root form only).
   * @default - local state in `terraform.agent.tfstate` at the project root
   */
  readonly backend?: BackendConfig;
  /**
   * Major version of hashicorp/aws to target. 6 requires >= 6.29.0 and scopes the
   * public InvokeFunction permission of NONE-auth URLs to Function URL calls.
   * @default 5 - admits 5.100.0 and every 6.x
   */
  readonly awsProviderMajor?: 5 | 6;
}

/** hashicorp/aws versions the emitted JSON works with: the bindings' 5.100.0 up to current 6.x. */
export const AWS_PROVIDER_CONSTRAINT = '>= 5.100.0, < 7.0.0';
/** With `awsProviderMajor: 6`: the first release with `invoked_via_function_url` on aws_lambda_permission. */
export const AWS_PROVIDER_6_CONSTRAINT = '>= 6.29.0, < 7.0.0';
/** Validations that refer to other variables (e.g. no streaming in a VPC) need Terraform 1.9. */
export const TERRAFORM_VERSION_CONSTRAINT = '>= 1.9.0';

export class AgentStack extends TerraformStack {
  readonly agent: AgentFunction;

  constructor(scope: Construct, id: string, props: AgentStackProps) {
    super(scope, id);
    const form = props.form ?? 'root';
    if (form === 'root') applyBackend(this, props.backend ?? { kind: 'local', path: LOCAL_STATE_PATH });
    // cdktf gives every stack without a backend a local one; a module must have none.
    else this.addOverride('terraform.backend', undefined);
    this.addOverride('terraform.required_version', TERRAFORM_VERSION_CONSTRAINT);
    const providerConstraint = props.awsProviderMajor === 6 ? AWS_PROVIDER_6_CONSTRAINT : AWS_PROVIDER_CONSTRAINT;
    this.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: providerConstraint });

    const variables = StackVariables.declare(this, form);
    const allTags = Token.asStringMap(Fn.merge([MANAGED_BY, variables.map('tags')]));
    if (form === 'root') new AwsProvider(this, 'aws', { region: variables.str('aws_region'), defaultTags: [{ tags: allTags }] });
    const partition = new DataAwsPartition(this, 'partition');
    partition.overrideLogicalId('current');
    const caller = new DataAwsCallerIdentity(this, 'caller');
    caller.overrideLogicalId('current');
    const region = new DataAwsRegion(this, 'region');
    region.overrideLogicalId('current');
    const context: StackContext = {
      partition: partition.partition,
      accountId: caller.accountId,
      region: region.name,
      tags: (extra) => (form === 'root' ? extra : Token.asStringMap(Fn.merge([allTags, extra ?? {}]))),
    };
    const models = new ModelLocals(this, 'models', { variables, context });
    const cognito = new Cognito(this, 'cognito', { variables, context });

    this.agent = new AgentFunction(this, 'agent', { artifact: props.artifact, awsProviderMajor: props.awsProviderMajor, variables, context, models, form });
    const jobs = new Jobs(this, 'jobs', {
      variables,
      context,
      agent: this.agent,
      handler: props.artifact.handlers.jobs,
      sourceCodeHash: props.artifact.sourceCodeHash,
    });
    const observability = new Observability(this, 'observability', {
      variables,
      context,
      // The variable, not the resource's attribute: policies and names built from it are known at plan.
      functionName: variables.str('function_name'),
      logGroupName: this.agent.logGroup.name,
      filename: this.agent.filename,
      sourceCodeHash: props.artifact.sourceCodeHash,
      breakerHandler: props.artifact.handlers.breaker,
      workerNames: jobs.workerNames,
      deadLetterQueueNames: jobs.deadLetterQueueNames,
    });

    const outputs: Array<[string, string, string]> = [
      ['function_url', this.agent.url.functionUrl, 'HTTPS endpoint of the agent (GET /health, POST /agent).'],
      ['function_name', this.agent.function.functionName, 'Name of the Lambda function.'],
      ['function_arn', this.agent.function.arn, 'ARN of the Lambda function.'],
      ['role_arn', this.agent.role.arn, 'ARN of the function execution role.'],
      ['log_group_name', this.agent.logGroup.name, 'CloudWatch log group holding the function logs.'],
      ['source_code_hash', this.agent.function.sourceCodeHash, 'Base64 SHA-256 of the deployed zip; equals source_code_hash in dist/function.manifest.json.'],
      ['model_id', models.modelId, 'Model the function calls, after defaults.'],
      ['function_security_group_id', this.agent.vpc.functionSecurityGroupIdOrEmpty, 'Security group of the function in the VPC; empty outside a VPC.'],
      ['state_table_name', this.agent.state.tableNameOrEmpty, 'DynamoDB table of sessions and usage; empty when no feature needs it.'],
      ['jobs_queue_url', jobs.queueUrlOrEmpty, 'SQS queue of POST /jobs and the schedules; empty when async_jobs_enabled is false.'],
      [
        'cognito_issuer',
        cognito.issuer,
        'Issuer of the Cognito user pool (OIDC discovery at <issuer>/.well-known/openid-configuration); empty without the pool.',
      ],
      ['cognito_client_id', cognito.clientId, 'App client id for your front end (public, code flow with PKCE); empty without the pool.'],
      ['cognito_user_pool_id', cognito.userPoolId, 'Id of the Cognito user pool, to manage its users; empty without the pool.'],
      [
        'cognito_sign_in_url',
        cognito.signInUrl,
        'Hosted sign-in page returning to the first callback URL (add PKCE and state parameters); empty without the pool.',
      ],
      ['alarm_topic_arn', Token.asString(Fn.join('', observability.topic.arns)), 'SNS topic the alarms go to; empty when no alarm is configured.'],
    ];
    for (const [name, value, description] of outputs) {
      new TerraformOutput(this, `output-${name}`, { value, description }).overrideLogicalId(name);
    }
  }
}
