/**
 * Terraform locals that turn `llm_provider`, `model_id` and the Region into
 * the model the function calls and the Bedrock ARNs its role may invoke.
 * Pure HCL, evaluated at plan time, so switching provider or model is a
 * tfvars edit and never a re-synth.
 */

import { DEFAULT_ANTHROPIC_MODEL, DEFAULT_BEDROCK_FOUNDATION_MODEL } from '../function/models';

/**
 * Destination Regions of each geography's system inference profiles, as the
 * Amazon Bedrock user guide lists them for Claude models. `global.` profiles
 * are handled apart: AWS documents a Region-less foundation-model ARN for them.
 */
export const INFERENCE_PROFILE_REGIONS: Readonly<Record<string, readonly string[]>> = {
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  eu: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
  apac: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4'],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
};

const PROFILE_PREFIX = '^(us-gov|us|eu|apac|jp|au|global)\\\\.';

/** Name → HCL expression. Names are referenced elsewhere as `local.<name>`. */
export const MODEL_LOCALS: ReadonlyArray<readonly [string, string]> = [
  // The geography a Region's default inference profile belongs to.
  [
    'default_profile_geo',
    '${startswith(var.aws_region, "us-gov-") ? "us-gov" : startswith(var.aws_region, "eu-") ? "eu" : startswith(var.aws_region, "ap-") ? "apac" : "us"}',
  ],
  [
    'model_id',
    `\${var.model_id != "" ? var.model_id : var.llm_provider == "bedrock" ? "\${local.default_profile_geo}.${DEFAULT_BEDROCK_FOUNDATION_MODEL}" : "${DEFAULT_ANTHROPIC_MODEL}"}`,
  ],
  ['profile_geo', `\${try(regex("${PROFILE_PREFIX}", local.model_id)[0], "")}`],
  ['is_inference_profile', '${local.profile_geo != ""}'],
  ['foundation_model_id', `\${replace(local.model_id, "/${PROFILE_PREFIX}/", "")}`],
  [
    'inference_profile_regions',
    `\${length(var.bedrock_inference_profile_regions) > 0 ? var.bedrock_inference_profile_regions : lookup(${hclMap(INFERENCE_PROFILE_REGIONS)}, local.profile_geo, [var.aws_region])}`,
  ],
  [
    'inference_profile_arn',
    '${"arn:${data.aws_partition.current.partition}:bedrock:${var.aws_region}:${data.aws_caller_identity.current.account_id}:inference-profile/${local.model_id}"}',
  ],
  // Foundation-model ARNs the role may invoke: the model in the Region for a
  // plain model id; in every destination Region for a geographic profile; in
  // the source Region and Region-less for a global profile.
  [
    'foundation_model_arns',
    '${local.profile_geo == "global" ? ["arn:${data.aws_partition.current.partition}:bedrock:${var.aws_region}::foundation-model/${local.foundation_model_id}", "arn:${data.aws_partition.current.partition}:bedrock:::foundation-model/${local.foundation_model_id}"] : [for r in (local.is_inference_profile ? local.inference_profile_regions : [var.aws_region]) : "arn:${data.aws_partition.current.partition}:bedrock:${r}::foundation-model/${local.foundation_model_id}"]}',
  ],
];

function hclMap(map: Readonly<Record<string, readonly string[]>>): string {
  const entries = Object.entries(map).map(([key, regions]) => `"${key}" = ${JSON.stringify(regions)}`);
  return `{ ${entries.join(', ')} }`;
}
