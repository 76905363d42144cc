/**
 * The agent function with everything it owns: its role and inline policies,
 * its log group, the optional Anthropic key secret, its Function URL, and
 * the alias with provisioned concurrency the URL then serves.
 * Conditional pieces use `count` or dynamic blocks on variables, so
 * Terraform (not synth) decides them and one synthesized stack serves every
 * tfvars file.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { AssetType, conditional, Fn, Op, TerraformAsset, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import type { FunctionArtifact } from './artifact';
import { ROLE_SUFFIX } from './derived-names';
import { environmentSizeCheck, functionEnvironmentExpression } from './function-environment';
import { bedrockPolicy, kmsPolicy, lambdaTrustPolicy, logGroupArn, logsPolicy, roleArn, secretPolicy, toolAccessPolicy, tracingPolicy } from './iam-policies';
import type { ModelLocals } from './model-locals';
import type { StackContext } from './stack-context';
import { countIf, first, isEmpty, isNotEmpty, named, onlyIf, orNull, splat } from './terraform-helpers';
import { ProvisionedConcurrency } from './provisioned-concurrency';
import { StateTable } from './state-table';
import type { StackVariables } from './variables';
import { VpcAccess } from './vpc-access';

export interface AgentFunctionProps {
  /** The zip and hashes written by `npm run build`. */
  readonly artifact: FunctionArtifact;
  readonly variables: StackVariables;
  readonly context: StackContext;
  readonly models: ModelLocals;
  /** @default 'root' */
  readonly form?: 'root' | 'module';
  /**
   * Major version of hashicorp/aws the JSON targets; 6 adds `invoked_via_function_url`.
   * @default 5
   */
  readonly awsProviderMajor?: 5 | 6;
}

/** Headers a browser may send to the Function URL (SigV4 headers included). */
const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];
const CORS_MAX_AGE_SECONDS = 300;
/** The local holding the agent's environment. */
export const AGENT_ENVIRONMENT_LOCAL = 'agent_environment';

export class AgentFunction extends Construct {
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly function: LambdaFunction;
  readonly url: LambdaFunctionUrl;
  readonly vpc: VpcAccess;
  readonly state: StateTable;
  /** The zip's `filename` as the function has it: other functions from the same zip use it too. */
  readonly filename: string;
  /**
   * The model provider's permission as the agent has it (the key's secret, or
   * Bedrock), each a policy JSON and when it applies: the jobs worker gets
   * exactly the same.
   */
  readonly modelPolicies: ReadonlyArray<{ readonly name: string; readonly policy: string; readonly enabled: IResolvable }>;
  /** What the tools reach (the MCP servers' token secrets, the knowledge bases), each a policy JSON and when it applies: the jobs worker gets exactly the same. */
  readonly toolPolicies: ReadonlyArray<{ readonly name: string; readonly policy: string; readonly enabled: IResolvable }>;
  /** Decrypting with kms_key_arn (environment, secret), when it is set. */
  readonly kmsPolicy: { readonly policy: string; readonly count: number };
  /** X-Ray's writes, for every role whose function has active tracing (tracing_enabled). */
  readonly tracingPolicy: string;

  constructor(scope: Construct, id: string, props: AgentFunctionProps) {
    super(scope, id);
    const { artifact, variables: vars, context } = props;
    const name = vars.str('function_name');
    const isAnthropic = Op.eq(vars.str('llm_provider'), 'anthropic');
    const isBedrock = Op.eq(vars.str('llm_provider'), 'bedrock');
    const isPublic = Op.eq(vars.str('function_url_auth_type'), 'NONE');
    const secretArnGiven = isNotEmpty(vars.str('anthropic_api_key_secret_arn'));
    const keyGiven = Fn.nonsensitive(isNotEmpty(vars.str('anthropic_api_key'))) as IResolvable;
    const kmsKeyArn = vars.str('kms_key_arn');
    const kmsGiven = isNotEmpty(kmsKeyArn);

    // The key given as a variable becomes a secret; the function only ever sees the secret's ARN.
    const createSecret = Op.and(Op.and(isAnthropic, Op.not(secretArnGiven)), keyGiven);
    const secret = named(
      new SecretsmanagerSecret(this, 'secret', {
        count: countIf(createSecret),
        name: `${name}-anthropic-api-key`,
        description: 'Anthropic API key of the Claude agent function (created from the anthropic_api_key variable).',
        recoveryWindowInDays: 7,
        kmsKeyId: orNull(kmsKeyArn),
        tags: context.tags(),
      }),
      'anthropic_api_key',
    );
    named(
      new SecretsmanagerSecretVersion(this, 'secret-version', {
        count: countIf(createSecret),
        secretId: first(secret, 'id'),
        secretString: vars.str('anthropic_api_key'),
      }),
      'anthropic_api_key',
    );
    const secretArn = named(
      new TerraformLocal(this, 'secret-arn', conditional(secretArnGiven, vars.str('anthropic_api_key_secret_arn'), Fn.join('', splat(secret, 'arn')))),
      'anthropic_api_key_secret_arn',
    ).asString;

    this.role = named(
      new IamRole(this, 'role', {
        name: `${name}${ROLE_SUFFIX}`,
        tags: context.tags(),
        description: 'Execution role of the Claude agent Lambda function.',
        assumeRolePolicy: lambdaTrustPolicy(),
      }),
      'agent',
    );
    const logGroupName = `/aws/lambda/${name}`;
    const logsRolePolicy = named(
      new IamRolePolicy(this, 'logs', { role: this.role.name, name: 'logs', policy: logsPolicy(this, logGroupArn(context, logGroupName)) }),
      'logs',
    );
    this.modelPolicies = [
      { name: 'anthropic-api-key', policy: secretPolicy(this, secretArn), enabled: isAnthropic },
      { name: 'bedrock-invoke', policy: bedrockPolicy(this, props.models, isBedrock), enabled: isBedrock },
    ];
    const [secretAccess, bedrockAccess] = this.modelPolicies;
    named(
      new IamRolePolicy(this, 'secret-policy', {
        count: countIf(secretAccess.enabled),
        role: this.role.name,
        name: secretAccess.name,
        policy: secretAccess.policy,
      }),
      'anthropic_api_key',
    );
    named(
      new IamRolePolicy(this, 'bedrock', {
        count: countIf(bedrockAccess.enabled),
        role: this.role.name,
        name: bedrockAccess.name,
        policy: bedrockAccess.policy,
      }),
      'bedrock',
    );
    // The MCP servers' token secrets, each once, in a stable order.
    const mcpSecretArns = named(
      new TerraformLocal(
        this,
        'mcp-secret-arns',
        '${sort(distinct(compact([for server in values(var.mcp_servers) : server.auth_secret_arn == null ? "" : server.auth_secret_arn])))}',
      ),
      'mcp_secret_arns',
    ).asList;
    const mcpSecretsOn = isNotEmpty(mcpSecretArns);
    // The knowledge bases, in the function's Region and account.
    const knowledgeBaseIds = vars.list('knowledge_base_ids');
    const knowledgeBaseArns = Token.asList(
      Fn.formatlist(`arn:%s:bedrock:%s:%s:knowledge-base/%s`, [context.partition, context.region, context.accountId, knowledgeBaseIds]),
    );
    const knowledgeBasesOn = isNotEmpty(knowledgeBaseIds);
    this.toolPolicies = [
      {
        name: 'mcp-server-secrets',
        policy: toolAccessPolicy(
          this,
          'mcp_server_secrets',
          { sid: 'ReadMcpServerTokens', actions: ['secretsmanager:GetSecretValue'], resources: mcpSecretArns },
          mcpSecretsOn,
        ),
        enabled: mcpSecretsOn,
      },
      {
        name: 'knowledge-bases',
        policy: toolAccessPolicy(
          this,
          'knowledge_bases',
          { sid: 'RetrieveFromKnowledgeBases', actions: ['bedrock:Retrieve'], resources: knowledgeBaseArns },
          knowledgeBasesOn,
        ),
        enabled: knowledgeBasesOn,
      },
    ];
    for (const [i, access] of this.toolPolicies.entries()) {
      named(
        new IamRolePolicy(this, `tool-${i}`, { count: countIf(access.enabled), role: this.role.name, name: access.name, policy: access.policy }),
        access.name.replace(/-/g, '_'),
      );
    }
    this.kmsPolicy = { policy: kmsPolicy(this, kmsKeyArn, kmsGiven), count: countIf(kmsGiven) };
    named(new IamRolePolicy(this, 'kms', { count: this.kmsPolicy.count, role: this.role.name, name: 'kms', policy: this.kmsPolicy.policy }), 'kms');
    this.tracingPolicy = tracingPolicy(this);
    named(
      new IamRolePolicy(this, 'tracing', { count: countIf(vars.bool('tracing_enabled')), role: this.role.name, name: 'xray', policy: this.tracingPolicy }),
      'tracing',
    );

    const warm = new ProvisionedConcurrency(this, 'provisioned', { variables: vars });
    this.state = new StateTable(this, 'state', { roleName: this.role.name, variables: vars, context });
    this.vpc = new VpcAccess(this, 'vpc', { roleName: this.role.name, variables: vars, context, stateNeeded: this.state.needed });

    this.logGroup = named(
      new CloudwatchLogGroup(this, 'log-group', {
        name: logGroupName,
        retentionInDays: vars.num('log_retention_days'),
        kmsKeyId: orNull(kmsKeyArn),
        tags: context.tags(),
      }),
      'agent',
    );

    // The zip lands in the stack folder under a path that contains its sha256,
    // so `filename` is relative and changes exactly when the code does.
    const zip = new TerraformAsset(this, 'zip', { path: artifact.zipPath, type: AssetType.FILE, assetHash: artifact.sha256 });

    // A module finds its zip beside its own files, wherever the caller's configuration lives.
    this.filename = props.form === 'module' ? `\${path.module}/${zip.path}` : zip.path;
    // A local, so the size check below reads the same map the function gets.
    named(new TerraformLocal(this, 'environment', functionEnvironmentExpression('agent')), AGENT_ENVIRONMENT_LOCAL);
    const environmentSize = environmentSizeCheck(`local.${AGENT_ENVIRONMENT_LOCAL}`, 'agent function');
    this.function = named(
      new LambdaFunction(this, 'function', {
        functionName: name,
        tags: context.tags(),
        description: 'Claude agent behind a Function URL.',
        role: roleArn(context, this.role.name),
        filename: this.filename,
        sourceCodeHash: artifact.sourceCodeHash,
        handler: Token.asString(conditional(Op.eq(vars.str('invoke_mode'), 'RESPONSE_STREAM'), artifact.handlers.streaming, artifact.handlers.buffered)),
        runtime: vars.str('runtime'),
        architectures: [vars.str('architecture')],
        memorySize: vars.num('memory_size'),
        timeout: vars.num('timeout_seconds'),
        reservedConcurrentExecutions: vars.num('reserved_concurrency'),
        loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
        tracingConfig: { mode: Token.asString(conditional(vars.bool('tracing_enabled'), 'Active', 'PassThrough')) },
        environment: { variables: Token.asStringMap(`\${local.${AGENT_ENVIRONMENT_LOCAL}}`) },
        kmsKeyArn: orNull(kmsKeyArn),
        // A version only when capacity is provisioned on it (false is the provider's default: the plan is unchanged at 0).
        publish: warm.enabled,
        dependsOn: [this.logGroup, logsRolePolicy, this.vpc.policy, this.state.policy],
        lifecycle: {
          precondition: [
            {
              condition: Op.or(Op.or(Op.not(isAnthropic), secretArnGiven), keyGiven),
              errorMessage:
                'llm_provider is "anthropic" but no API key is configured. Set anthropic_api_key_secret_arn to the ARN of a Secrets Manager secret holding the key (recommended), or set anthropic_api_key.',
            },
            ...(props.form === 'module'
              ? [
                  {
                    condition: Op.or(isEmpty(vars.str('aws_region')), Op.eq(vars.str('aws_region'), context.region)),
                    errorMessage: `aws_region is set, and it is not the Region of the aws provider this module was given (${context.region}). Pass the provider of that Region (providers = { aws = aws.<alias> }), or leave aws_region empty.`,
                  },
                ]
              : []),
            {
              condition: Op.or(Op.not(kmsGiven), Op.eq(Fn.element(Fn.split(':', kmsKeyArn), 3), context.region)),
              errorMessage: `kms_key_arn names a key in another Region than the deployment's (${context.region}): CloudWatch Logs and Lambda use keys of their own Region only. Use a key (or a multi-Region replica) in ${context.region}.`,
            },
            {
              // A precondition, not a validation: function_url_auth_type's own validation reads jwt_issuer, and validations must not form a cycle.
              condition: Op.or(isPublic, Op.not(isNotEmpty(vars.str('jwt_issuer')))),
              errorMessage:
                'jwt_issuer needs function_url_auth_type = "NONE": with "AWS_IAM", Lambda admits only SigV4-signed requests, which carry no sign-in token.',
            },
            { condition: Token.asAny(environmentSize.condition), errorMessage: environmentSize.errorMessage },
            {
              condition: Op.or(Op.not(secretArnGiven), Op.not(keyGiven)),
              errorMessage:
                'Both anthropic_api_key_secret_arn and anthropic_api_key are set. Keep one: the secret ARN (the key stays out of Terraform state), or the key.',
            },
          ],
        },
      }),
      'agent',
    );
    this.vpc.place(this.function);

    warm.attach(this.function.functionName, this.function.version);

    this.url = named(
      new LambdaFunctionUrl(this, 'url', {
        functionName: this.function.functionName,
        qualifier: warm.qualifier,
        authorizationType: vars.str('function_url_auth_type'),
        invokeMode: vars.str('invoke_mode'),
      }),
      'agent',
    );
    // CORS only when origins are listed; otherwise no cors block at all.
    this.url.addOverride('dynamic.cors', {
      for_each: onlyIf(isNotEmpty(vars.list('cors_allowed_origins'))),
      content: {
        allow_origins: vars.list('cors_allowed_origins'),
        allow_methods: ['GET', 'POST'],
        allow_headers: CORS_ALLOW_HEADERS,
        expose_headers: ['x-request-id'],
        max_age: CORS_MAX_AGE_SECONDS,
      },
    });

    // A public (NONE) URL needs two statements since October 2025: InvokeFunctionUrl and
    // InvokeFunction. (The provider also adds its own untracked FunctionURLAllowPublicAccess
    // statement; ours have other ids, so they never collide with it.)
    named(
      new LambdaPermission(this, 'public-url', {
        count: countIf(isPublic),
        statementId: 'AgentFunctionUrlPublicAccess',
        action: 'lambda:InvokeFunctionUrl',
        functionName: this.function.functionName,
        qualifier: warm.qualifier,
        principal: '*',
        functionUrlAuthType: 'NONE',
      }),
      'public_url',
    );
    const publicInvoke = named(
      new LambdaPermission(this, 'public-invoke', {
        count: countIf(isPublic),
        statementId: 'AgentFunctionUrlPublicInvoke',
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionName,
        qualifier: warm.qualifier,
        principal: '*',
      }),
      'public_invoke',
    );
    // hashicorp/aws >= 6.29 can bind it to Function URL calls (lambda:InvokedViaFunctionUrl); 5.100 cannot.
    if (props.awsProviderMajor === 6) publicInvoke.addOverride('invoked_via_function_url', true);
  }
}
