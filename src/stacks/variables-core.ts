/** Where the stack goes and which model it calls: placement, model, Anthropic API. */
import { oneOf, type VariableSpec } from './variable-types';

export const CORE_VARIABLES: readonly VariableSpec[] = [
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
];
