/**
 * The agent function with everything it owns: its role and inline policies,
 * its log group, the optional Anthropic key secret, and its Function URL.
 * Conditional pieces use `count` on variables, so Terraform (not synth)
 * decides them and one synthesized stack serves every tfvars file.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { AssetType, TerraformAsset, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { FunctionArtifact } from './artifact';
import { BEDROCK_POLICY, LAMBDA_TRUST_POLICY, LOGS_POLICY, SECRET_POLICY, TRACING_POLICY } from './iam-policies';
import { countIf as when, named } from './terraform-helpers';
import { v } from './variables';
import { FUNCTION_SECURITY_GROUP_ID, VpcAccess } from './vpc-access';

export interface AgentFunctionProps {
  /** The zip and hashes written by `npm run build`. */
  readonly artifact: FunctionArtifact;
  /**
   * Major version of hashicorp/aws the JSON targets; 6 adds `invoked_via_function_url`.
   * @default 5
   */
  readonly awsProviderMajor?: 5 | 6;
}

/** Headers a browser may send to the Function URL (SigV4 headers included). */
const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];
const CORS_MAX_AGE_SECONDS = 300;


export class AgentFunction extends Construct {
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly function: LambdaFunction;
  readonly url: LambdaFunctionUrl;

  constructor(scope: Construct, id: string, props: AgentFunctionProps) {
    super(scope, id);
    const { artifact } = props;

    const createSecret = 'var.llm_provider == "anthropic" && var.anthropic_api_key_secret_arn == "" && nonsensitive(var.anthropic_api_key != "")';
    named(new SecretsmanagerSecret(this, 'secret', {
      count: when(createSecret),
      name: `${v('function_name')}-anthropic-api-key`,
      description: 'Anthropic API key of the Claude agent function (created from the anthropic_api_key variable).',
      recoveryWindowInDays: 7,
    }), 'anthropic_api_key');
    named(new SecretsmanagerSecretVersion(this, 'secret-version', {
      count: when(createSecret),
      secretId: '${aws_secretsmanager_secret.anthropic_api_key[0].id}',
      secretString: v('anthropic_api_key'),
    }), 'anthropic_api_key');
    named(new TerraformLocal(this, 'secret-arn',
      '${var.anthropic_api_key_secret_arn != "" ? var.anthropic_api_key_secret_arn : join("", aws_secretsmanager_secret.anthropic_api_key[*].arn)}',
    ), 'anthropic_api_key_secret_arn');

    this.role = named(new IamRole(this, 'role', {
      name: `${v('function_name')}-role`,
      description: 'Execution role of the Claude agent Lambda function.',
      assumeRolePolicy: LAMBDA_TRUST_POLICY,
    }), 'agent');
    const logsPolicy = named(new IamRolePolicy(this, 'logs', { role: this.role.id, name: 'logs', policy: LOGS_POLICY }), 'logs');
    named(new IamRolePolicy(this, 'secret-policy', {
      count: when('var.llm_provider == "anthropic"'),
      role: this.role.id,
      name: 'anthropic-api-key',
      policy: SECRET_POLICY,
    }), 'anthropic_api_key');
    named(new IamRolePolicy(this, 'bedrock', {
      count: when('var.llm_provider == "bedrock"'),
      role: this.role.id,
      name: 'bedrock-invoke',
      policy: BEDROCK_POLICY,
    }), 'bedrock');
    named(new IamRolePolicy(this, 'tracing', {
      count: when('var.tracing_enabled'),
      role: this.role.id,
      name: 'xray',
      policy: TRACING_POLICY,
    }), 'tracing');

    const vpc = new VpcAccess(this, 'vpc', { roleId: this.role.id });

    this.logGroup = named(new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${v('function_name')}`,
      retentionInDays: Token.asNumber(v('log_retention_days')),
    }), 'agent');

    // The zip lands in the stack folder under a path that contains its sha256,
    // so `filename` is relative and changes exactly when the code does.
    const zip = new TerraformAsset(this, 'zip', { path: artifact.zipPath, type: AssetType.FILE, assetHash: artifact.sha256 });

    this.function = named(new LambdaFunction(this, 'function', {
      functionName: v('function_name'),
      description: 'Claude agent behind a Function URL.',
      role: this.role.arn,
      filename: zip.path,
      sourceCodeHash: artifact.sourceCodeHash,
      handler: `\${var.invoke_mode == "RESPONSE_STREAM" ? "${artifact.handlers.streaming}" : "${artifact.handlers.buffered}"}`,
      runtime: v('runtime'),
      architectures: [v('architecture')],
      memorySize: Token.asNumber(v('memory_size')),
      timeout: Token.asNumber(v('timeout_seconds')),
      reservedConcurrentExecutions: Token.asNumber(v('reserved_concurrency')),
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      tracingConfig: { mode: '${var.tracing_enabled ? "Active" : "PassThrough"}' },
      environment: { variables: Token.asStringMap(FUNCTION_ENVIRONMENT) },
      dependsOn: [this.logGroup, logsPolicy, vpc.policy],
      lifecycle: {
        precondition: [
          {
            condition: '${var.llm_provider != "anthropic" || var.anthropic_api_key_secret_arn != "" || nonsensitive(var.anthropic_api_key != "")}',
            errorMessage: 'llm_provider is "anthropic" but no API key is configured. Set anthropic_api_key_secret_arn to the ARN of a Secrets Manager secret holding the key (recommended), or set anthropic_api_key.',
          },
          {
            condition: '${var.anthropic_api_key_secret_arn == "" || nonsensitive(var.anthropic_api_key == "")}',
            errorMessage: 'Both anthropic_api_key_secret_arn and anthropic_api_key are set. Keep one: the secret ARN (the key stays out of Terraform state), or the key.',
          },
        ],
      },
    }), 'agent');
    // In a VPC only: a dynamic block, so an empty vpc_id plans no vpc_config at all.
    this.function.addOverride('dynamic.vpc_config', {
      for_each: '${var.vpc_id != "" ? [1] : []}',
      content: { subnet_ids: '${var.vpc_subnet_ids}', security_group_ids: [FUNCTION_SECURITY_GROUP_ID] },
    });

    this.url = named(new LambdaFunctionUrl(this, 'url', {
      functionName: this.function.functionName,
      authorizationType: v('function_url_auth_type'),
      invokeMode: v('invoke_mode'),
    }), 'agent');
    // CORS only when origins are listed; otherwise no cors block at all.
    this.url.addOverride('dynamic.cors', {
      for_each: '${length(var.cors_allowed_origins) > 0 ? [1] : []}',
      content: {
        allow_origins: '${var.cors_allowed_origins}',
        allow_methods: ['GET', 'POST'],
        allow_headers: CORS_ALLOW_HEADERS,
        expose_headers: ['x-request-id'],
        max_age: CORS_MAX_AGE_SECONDS,
      },
    });

    // A public (NONE) URL needs two statements since October 2025: InvokeFunctionUrl and
    // InvokeFunction. (The provider also adds its own untracked FunctionURLAllowPublicAccess
    // statement; ours have other ids, so they never collide with it.)
    named(new LambdaPermission(this, 'public-url', {
      count: when('var.function_url_auth_type == "NONE"'),
      statementId: 'AgentFunctionUrlPublicAccess',
      action: 'lambda:InvokeFunctionUrl',
      functionName: this.function.functionName,
      principal: '*',
      functionUrlAuthType: 'NONE',
    }), 'public_url');
    const publicInvoke = named(new LambdaPermission(this, 'public-invoke', {
      count: when('var.function_url_auth_type == "NONE"'),
      statementId: 'AgentFunctionUrlPublicInvoke',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: '*',
    }), 'public_invoke');
    // hashicorp/aws >= 6.29 can bind it to Function URL calls (lambda:InvokedViaFunctionUrl); 5.100 cannot.
    if (props.awsProviderMajor === 6) publicInvoke.addOverride('invoked_via_function_url', true);
  }
}

/** The runtime's configuration. Only references to secrets, never their values. */
const FUNCTION_ENVIRONMENT = `\${merge(
  {
    LLM_PROVIDER           = var.llm_provider
    MODEL_ID               = local.model_id
    FUNCTION_URL_AUTH_TYPE = var.function_url_auth_type
    MAX_REQUEST_BYTES      = tostring(var.max_request_bytes)
    MAX_INPUT_CHARS        = tostring(var.max_input_chars)
    MAX_TOKENS_CAP         = tostring(var.max_tokens_cap)
    DEFAULT_MAX_TOKENS     = tostring(min(1024, var.max_tokens_cap))
    TOKEN_BUDGET           = tostring(var.token_budget)
    MAX_ITERATIONS         = tostring(var.max_iterations)
    MAX_TOOL_CALLS         = tostring(var.max_tool_calls)
    LOG_CONTENT            = tostring(var.log_content)
  },
  var.llm_provider == "anthropic" ? { ANTHROPIC_API_KEY_SECRET_ARN = local.anthropic_api_key_secret_arn } : {},
  var.anthropic_base_url != "" ? { ANTHROPIC_BASE_URL = var.anthropic_base_url } : {},
  var.function_url_auth_type == "NONE" && length(var.auth_token_sha256) > 0 ? { AUTH_TOKEN_SHA256 = join(",", var.auth_token_sha256) } : {},
  var.function_url_auth_type == "NONE" && length(var.auth_token_sha256) == 0 ? { ALLOW_UNAUTHENTICATED = tostring(var.allow_unauthenticated) } : {},
  var.system_prompt != "" ? { SYSTEM_PROMPT = var.system_prompt } : {}
)}`;

