/** Where the stack goes and which model it calls: placement, model, Anthropic API. */
import { longestFunctionNameWith } from './derived-names';
import type { VariableSpec } from './variable-types';

export const CORE_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'aws_region',
    group: 'Placement',
    type: 'string',
    default: 'us-east-1',
    description: 'AWS Region to deploy into, e.g. "us-east-1" or "eu-central-1".',
    validation: [
      {
        condition: '${can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$", var.aws_region))}',
        errorMessage: 'aws_region must be a Region code such as "us-east-1" or "eu-central-1".',
      },
    ],
  },
  {
    name: 'function_name',
    group: 'Placement',
    type: 'string',
    default: 'claude-agent',
    description: `Name of the Lambda function; also names its role, log group and the other resources. 1-56 letters, digits, hyphens or underscores; at most ${longestFunctionNameWith('async_jobs_enabled')} with jobs, ${longestFunctionNameWith('schedules')} with schedules and ${longestFunctionNameWith('cost_kill_switch_enabled')} with the kill switch, whose names add longer suffixes.`,
    // 56, not 64: the role is named "<function_name>-role" and role names stop at 64; longer suffixes are checked with the features that add them.
    validation: [
      {
        condition: '${can(regex("^[A-Za-z0-9_-]{1,56}$", var.function_name))}',
        errorMessage: 'function_name must be 1-56 characters of letters, digits, "-" or "_".',
      },
    ],
  },
  {
    name: 'tags',
    group: 'Placement',
    type: 'map(string)',
    default: {},
    description: 'Tags added to every resource that supports them.',
  },
  {
    name: 'bedrock_inference_profile_regions',
    group: 'Model',
    type: 'list(string)',
    default: [],
    description:
      "Destination Regions of a cross-Region inference profile (us./eu./apac./jp./au./global. model ids). Empty means the list AWS documents for the profile's geography.",
    validation: [
      {
        condition: '${alltrue([for r in var.bedrock_inference_profile_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$", r))])}',
        errorMessage: 'bedrock_inference_profile_regions must list Region codes such as "us-east-2".',
      },
    ],
  },
  {
    name: 'anthropic_api_key',
    group: 'Anthropic API',
    type: 'string',
    default: '',
    sensitive: true,
    description:
      'Alternative to anthropic_api_key_secret_arn: the key itself, stored in a new Secrets Manager secret. The value is then kept in Terraform state.',
  },
];
