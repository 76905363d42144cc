/**
 * Every deploy-time knob of the agent stack, as Terraform variables. This list
 * is the single source for the synthesized `variable` blocks and the order of
 * `terraform.tfvars.example` (a test keeps the two in step).
 */

export interface VariableValidation {
  /** HCL condition over `var.<name>`. */
  readonly condition: string;
  readonly errorMessage: string;
}

export interface VariableSpec {
  readonly name: string;
  /** Banner the variable is listed under in `terraform.tfvars.example`. */
  readonly group: string;
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
  readonly sensitive?: boolean;
  readonly validation?: readonly VariableValidation[];
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const oneOf = (name: string, values: readonly string[]): VariableValidation => ({
  condition: `\${contains(${JSON.stringify(values)}, var.${name})}`,
  errorMessage: `${name} must be one of ${values.map((v) => `"${v}"`).join(', ')}.`,
});

const intRange = (name: string, min: number, max: number, unit: string): VariableValidation => ({
  condition: `\${var.${name} == floor(var.${name}) && var.${name} >= ${min} && var.${name} <= ${max}}`,
  errorMessage: `${name} must be a whole number of ${unit} from ${min} to ${max}.`,
});

export const VARIABLE_SPECS: readonly VariableSpec[] = [
  {
    name: 'aws_region',
    group: 'Placement',
    type: 'string',
    default: 'us-east-1',
    description: 'AWS Region to deploy into, e.g. "us-east-1" or "eu-central-1".',
    validation: [{ condition: '${can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$", var.aws_region))}', errorMessage: 'aws_region must be a Region code such as "us-east-1" or "eu-central-1".' }],
  },
  {
    name: 'function_name',
    group: 'Placement',
    type: 'string',
    default: 'claude-agent',
    description: 'Name of the Lambda function; also names its role and log group. 1-56 letters, digits, hyphens or underscores.',
    // 56, not 64: the role is named "<function_name>-role" and role names stop at 64.
    validation: [{ condition: '${can(regex("^[A-Za-z0-9_-]{1,56}$", var.function_name))}', errorMessage: 'function_name must be 1-56 characters of letters, digits, "-" or "_".' }],
  },
  {
    name: 'tags',
    group: 'Placement',
    type: 'map(string)',
    default: {},
    description: 'Tags added to every resource that supports them.',
  },
  {
    name: 'llm_provider',
    group: 'Model',
    type: 'string',
    default: 'anthropic',
    description: 'Where the model runs: "anthropic" (Anthropic API, key from Secrets Manager) or "bedrock" (Amazon Bedrock, IAM auth).',
    validation: [oneOf('llm_provider', ['anthropic', 'bedrock'])],
  },
  {
    name: 'model_id',
    group: 'Model',
    type: 'string',
    default: '',
    description: 'Model to call. Empty means "claude-sonnet-5-5" on anthropic, and the Claude Sonnet 5.5 inference profile of the Region\'s geography (us./eu./apac.) on bedrock.',
    validation: [{ condition: '${can(regex("^[A-Za-z0-9._:/-]*$", var.model_id))}', errorMessage: 'model_id may contain only letters, digits and ". _ : / -", e.g. "claude-sonnet-5-5" or "us.anthropic.claude-sonnet-5-5".' }],
  },
  {
    name: 'bedrock_inference_profile_regions',
    group: 'Model',
    type: 'list(string)',
    default: [],
    description: 'Destination Regions of a cross-Region inference profile (us./eu./apac./jp./au./global. model ids). Empty means the list AWS documents for the profile\'s geography.',
    validation: [{ condition: '${alltrue([for r in var.bedrock_inference_profile_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$", r))])}', errorMessage: 'bedrock_inference_profile_regions must list Region codes such as "us-east-2".' }],
  },
  {
    name: 'anthropic_api_key_secret_arn',
    group: 'Anthropic API',
    type: 'string',
    default: '',
    description: 'ARN of an existing Secrets Manager secret whose value is the Anthropic API key. Used when llm_provider is "anthropic".',
    validation: [{ condition: '${var.anthropic_api_key_secret_arn == "" || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", var.anthropic_api_key_secret_arn))}', errorMessage: 'anthropic_api_key_secret_arn must be empty or a Secrets Manager secret ARN: "arn:aws:secretsmanager:<region>:<account>:secret:<name>".' }],
  },
  {
    name: 'anthropic_api_key',
    group: 'Anthropic API',
    type: 'string',
    default: '',
    sensitive: true,
    description: 'Alternative to anthropic_api_key_secret_arn: the key itself, stored in a new Secrets Manager secret. The value is then kept in Terraform state.',
  },
  {
    name: 'anthropic_base_url',
    group: 'Anthropic API',
    type: 'string',
    default: '',
    description: 'Base URL of the Anthropic API, for gateways and proxies. Empty means https://api.anthropic.com.',
    validation: [{ condition: '${var.anthropic_base_url == "" || can(regex("^https?://[^\\\\s]+$", var.anthropic_base_url))}', errorMessage: 'anthropic_base_url must be empty or an http(s) URL such as "https://gateway.example.com".' }],
  },
  {
    name: 'function_url_auth_type',
    group: 'Function URL',
    type: 'string',
    default: 'AWS_IAM',
    description: 'Who may call the Function URL: "AWS_IAM" (SigV4-signed requests from principals you allow) or "NONE" (public URL).',
    validation: [
      oneOf('function_url_auth_type', ['AWS_IAM', 'NONE']),
      {
        condition: '${var.function_url_auth_type != "NONE" || length(var.auth_token_sha256) > 0 || var.allow_unauthenticated}',
        errorMessage: 'function_url_auth_type "NONE" makes the URL public: set auth_token_sha256 to the SHA-256 digests of your bearer tokens, or set allow_unauthenticated = true to serve anyone (denial-of-wallet risk).',
      },
    ],
  },
  {
    name: 'auth_token_sha256',
    group: 'Function URL',
    type: 'list(string)',
    default: [],
    description: 'With auth type "NONE": hex SHA-256 digests of the accepted bearer tokens (printf %s "$TOKEN" | sha256sum). Only digests reach the function and the state.',
    validation: [{ condition: '${alltrue([for d in var.auth_token_sha256 : can(regex("^[0-9a-f]{64}$", d))])}', errorMessage: 'auth_token_sha256 must hold lower-case hex SHA-256 digests (64 characters 0-9a-f), not the tokens themselves.' }],
  },
  {
    name: 'allow_unauthenticated',
    group: 'Function URL',
    type: 'bool',
    default: false,
    description: 'With auth type "NONE" and no tokens: serve anyone. Anyone who finds the URL can spend your model budget.',
  },
  {
    name: 'invoke_mode',
    group: 'Function URL',
    type: 'string',
    default: 'BUFFERED',
    description: 'How the Function URL returns responses: "BUFFERED" (one JSON body) or "RESPONSE_STREAM" (server-sent events as tokens arrive).',
    validation: [
      oneOf('invoke_mode', ['BUFFERED', 'RESPONSE_STREAM']),
      {
        condition: '${var.invoke_mode != "RESPONSE_STREAM" || var.vpc_id == ""}',
        errorMessage: 'invoke_mode "RESPONSE_STREAM" cannot be used with vpc_id: Lambda function URLs do not support response streaming for functions in a VPC (AWS Lambda developer guide, "VPC compatibility with response streaming"). Use invoke_mode = "BUFFERED" in a VPC, or leave vpc_id empty to stream.',
      },
    ],
  },
  {
    name: 'cors_allowed_origins',
    group: 'Function URL',
    type: 'list(string)',
    default: [],
    description: 'Browser origins allowed to call the Function URL, e.g. ["https://app.example.com"]. Empty allows none.',
    validation: [{ condition: '${alltrue([for o in var.cors_allowed_origins : o == "*" || can(regex("^https?://[^/\\\\s]+$", o))])}', errorMessage: 'cors_allowed_origins must hold "*" or origins like "https://app.example.com" (scheme and host, no path, no trailing slash).' }],
  },
  {
    name: 'vpc_id',
    group: 'VPC (optional)',
    type: 'string',
    default: '',
    description: 'VPC to place the function in, e.g. "vpc-0123456789abcdef0". Empty keeps the function outside any VPC.',
    validation: [
      { condition: '${var.vpc_id == "" || can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))}', errorMessage: 'vpc_id must be empty or a VPC id such as "vpc-0123456789abcdef0".' },
      {
        condition: '${var.vpc_id == "" || var.llm_provider == "bedrock" || var.nat_egress_enabled}',
        errorMessage: 'llm_provider "anthropic" in a VPC needs internet egress: api.anthropic.com has no PrivateLink endpoint. Route the subnets through a NAT gateway and set nat_egress_enabled = true, or use llm_provider = "bedrock", which has one.',
      },
    ],
  },
  {
    name: 'vpc_subnet_ids',
    group: 'VPC (optional)',
    type: 'list(string)',
    default: [],
    description: 'Private subnets for the function and its interface endpoints (two or more Availability Zones recommended). Required with vpc_id.',
    validation: [
      { condition: '${alltrue([for s in var.vpc_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])}', errorMessage: 'vpc_subnet_ids must hold subnet ids such as "subnet-0123456789abcdef0".' },
      { condition: '${(var.vpc_id == "") == (length(var.vpc_subnet_ids) == 0)}', errorMessage: 'vpc_id and vpc_subnet_ids go together: set both to place the function in a VPC, or leave both empty.' },
    ],
  },
  {
    name: 'create_vpc_endpoints',
    group: 'VPC (optional)',
    type: 'bool',
    default: true,
    description: 'Create the interface endpoints the function needs in the VPC (secretsmanager for anthropic, bedrock-runtime for bedrock, logs, sts), with private DNS.',
  },
  {
    name: 'vpc_endpoint_ids',
    group: 'VPC (optional)',
    type: 'map(string)',
    default: {},
    description: 'Existing interface endpoints to use instead of creating them, by service: keys among "secretsmanager", "bedrock-runtime", "logs", "sts"; values like "vpce-0123456789abcdef0".',
    validation: [
      { condition: '${alltrue([for k, v in var.vpc_endpoint_ids : contains(["secretsmanager", "bedrock-runtime", "logs", "sts"], k) && can(regex("^vpce-[0-9a-f]{8,17}$", v))])}', errorMessage: 'vpc_endpoint_ids keys must be "secretsmanager", "bedrock-runtime", "logs" or "sts", and values endpoint ids such as "vpce-0123456789abcdef0".' },
    ],
  },
  {
    name: 'vpc_endpoint_security_group_ids',
    group: 'VPC (optional)',
    type: 'list(string)',
    default: [],
    description: 'Security groups guarding the existing endpoints in vpc_endpoint_ids; the function may send HTTPS to each.',
    validation: [{ condition: '${alltrue([for g in var.vpc_endpoint_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", g))])}', errorMessage: 'vpc_endpoint_security_group_ids must hold security group ids such as "sg-0123456789abcdef0".' }],
  },
  {
    name: 'nat_egress_enabled',
    group: 'VPC (optional)',
    type: 'bool',
    default: false,
    description: 'Declare that the subnets reach the internet through a NAT gateway; allows HTTPS egress to 0.0.0.0/0, needed for api.anthropic.com (llm_provider "anthropic" only).',
  },
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
    description: 'Function timeout in seconds, 1 to 900. The agent stops starting work when the rest cannot fit.',
    validation: [intRange('timeout_seconds', 1, 900, 'seconds')],
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
    default: 'nodejs22.x',
    description: 'Lambda runtime: "nodejs22.x" or "nodejs24.x". The zip is built for Node 22.',
    validation: [oneOf('runtime', ['nodejs22.x', 'nodejs24.x'])],
  },
  {
    name: 'max_request_bytes',
    group: 'Abuse limits',
    type: 'number',
    default: 65536,
    description: 'Largest request body accepted, in bytes (413 above it), 1024 to 6291456.',
    validation: [intRange('max_request_bytes', 1024, 6291456, 'bytes')],
  },
  {
    name: 'max_input_chars',
    group: 'Abuse limits',
    type: 'number',
    default: 16000,
    description: 'Longest `input` accepted, in characters, 1 to 1000000.',
    validation: [intRange('max_input_chars', 1, 1000000, 'characters')],
  },
  {
    name: 'max_tokens_cap',
    group: 'Abuse limits',
    type: 'number',
    default: 4096,
    description: 'Largest `max_tokens` a caller may request per model call, 1 to 128000.',
    validation: [intRange('max_tokens_cap', 1, 128000, 'tokens')],
  },
  {
    name: 'token_budget',
    group: 'Abuse limits',
    type: 'number',
    default: 100000,
    description: 'Input plus output tokens one request may spend across all its model calls, 1 to 10000000.',
    validation: [intRange('token_budget', 1, 10000000, 'tokens')],
  },
  {
    name: 'max_iterations',
    group: 'Abuse limits',
    type: 'number',
    default: 8,
    description: 'Model calls per request, 1 to 100.',
    validation: [intRange('max_iterations', 1, 100, 'calls')],
  },
  {
    name: 'max_tool_calls',
    group: 'Abuse limits',
    type: 'number',
    default: 16,
    description: 'Tool calls per request, 0 to 1000.',
    validation: [intRange('max_tool_calls', 0, 1000, 'calls')],
  },
  {
    name: 'log_retention_days',
    group: 'Observability',
    type: 'number',
    default: 30,
    description: `Days CloudWatch keeps the function's logs: one of ${LOG_RETENTION_DAYS.join(', ')}.`,
    validation: [{ condition: `\${contains([${LOG_RETENTION_DAYS.join(', ')}], var.log_retention_days)}`, errorMessage: `log_retention_days must be one of ${LOG_RETENTION_DAYS.join(', ')}.` }],
  },
  {
    name: 'tracing_enabled',
    group: 'Observability',
    type: 'bool',
    default: false,
    description: 'Send AWS X-Ray traces (tracing mode "Active"); false passes through upstream trace headers only.',
  },
  {
    name: 'log_content',
    group: 'Observability',
    type: 'bool',
    default: false,
    description: 'Write prompts and answers into the request log lines (they may hold personal data).',
  },
  {
    name: 'system_prompt',
    group: 'Observability',
    type: 'string',
    default: '',
    description: 'Replaces the bundled system prompt (src/function/system-prompt.md) without a rebuild; empty keeps it.',
    validation: [{ condition: '${length(var.system_prompt) <= 3000}', errorMessage: 'system_prompt must be at most 3000 characters (Lambda environment variables total 4 KB); for a longer prompt edit src/function/system-prompt.md.' }],
  },
];
