/**
 * Terraform locals that turn `llm_provider`, `model_id` and the Region into
 * the model the function calls and the Bedrock ARNs its role may invoke.
 * Evaluated at plan time, so switching provider or model is a tfvars edit
 * and never a re-synth.
 */
import { conditional, Fn, Op, TerraformLocal, Token, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULT_ANTHROPIC_MODEL, DEFAULT_BEDROCK_FOUNDATION_MODEL } from '../function/models';
import type { StackContext } from './stack-context';
import { isEmpty, isNotEmpty, named } from './terraform-helpers';
import type { StackVariables } from './variables';

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

/** The geography prefix of an inference profile id (`us.`, `eu.`, …, `global.`); `[.]`, not `\.`: cdktf writes string literals without escaping backslashes. */
export const PROFILE_PREFIX = '^(us-gov|us|eu|apac|jp|au|global)[.]';

/**
 * What a Bedrock policy allows on each model it grants: the streaming invoke
 * alone, the one call the agent makes (it streams every request, buffered or
 * not). test/terraform/iam-simulation.test.ts fails if the code starts
 * calling InvokeModel, or if a grant goes unused.
 */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModelWithResponseStream'] as const;

export interface ModelLocalsProps {
  readonly variables: StackVariables;
  readonly context: StackContext;
}

export class ModelLocals extends Construct {
  /** The model id the function calls, after defaults. */
  readonly modelId: string;
  /** Whether `modelId` is a cross-Region inference profile. */
  readonly isInferenceProfile: IResolvable;
  /** The inference profile's ARN (meaningful only when `isInferenceProfile`). */
  readonly inferenceProfileArn: string;
  /** Foundation-model ARNs the role may invoke. */
  readonly foundationModelArns: string[];
  /** Whether `model_tiers` is set: the tiers' policy then replaces the single model's. */
  readonly tiersOn: IResolvable;
  /** With tiers, the Bedrock policy JSON: each tier's model as the single model's policy would grant it. */
  readonly tiersPolicyJson: string;

  constructor(scope: Construct, id: string, props: ModelLocalsProps) {
    super(scope, id);
    const { variables: vars, context } = props;
    const local = <T>(name: string, expression: T) => named(new TerraformLocal(this, name, expression), name);

    // The geography a Region's default inference profile belongs to.
    const region = context.region;
    const defaultGeo = local(
      'default_profile_geo',
      conditional(
        Fn.startswith(region, 'us-gov-'),
        'us-gov',
        conditional(Fn.startswith(region, 'eu-'), 'eu', conditional(Fn.startswith(region, 'ap-'), 'apac', 'us')),
      ),
    ).asString;
    const tiers = vars.map('model_tiers');
    const tiersOn = isNotEmpty(tiers);
    const model = local(
      'model_id',
      conditional(
        tiersOn,
        Fn.lookup(tiers, vars.str('default_model_tier'), ''),
        conditional(
          isNotEmpty(vars.str('model_id')),
          vars.str('model_id'),
          conditional(Op.eq(vars.str('llm_provider'), 'bedrock'), `${defaultGeo}.${DEFAULT_BEDROCK_FOUNDATION_MODEL}`, DEFAULT_ANTHROPIC_MODEL),
        ),
      ),
    ).asString;
    const geo = local('profile_geo', Fn.try([Fn.element(Fn.regex(PROFILE_PREFIX, model), 0), ''])).asString;
    // Decided from the inputs alone, never from the Region: resource counts hang on it, and the
    // Region (a data source) is unknown at plan time when the caller gives the module depends_on.
    const givenModel = vars.str('model_id');
    const isProfile = local(
      'is_inference_profile',
      Op.or(
        Op.and(isEmpty(givenModel), Op.eq(vars.str('llm_provider'), 'bedrock')),
        isNotEmpty(Token.asString(Fn.try([Fn.element(Fn.regex(PROFILE_PREFIX, givenModel), 0), '']))),
      ),
    ).asBoolean;
    const foundationModel = local('foundation_model_id', Fn.replace(model, `/${PROFILE_PREFIX}/`, '')).asString;
    const explicitRegions = vars.list('bedrock_inference_profile_regions');
    const profileRegions = local(
      'inference_profile_regions',
      conditional(isNotEmpty(explicitRegions), explicitRegions, Fn.lookup(INFERENCE_PROFILE_REGIONS, geo, [region])),
    ).asList;
    const profileArn = local('inference_profile_arn', `arn:${context.partition}:bedrock:${region}:${context.accountId}:inference-profile/${model}`).asString;
    // The model in the Region for a plain model id; in every destination Region for a geographic
    // profile; in the source Region and Region-less for a global profile.
    const modelArn = (regionExpression: string) => `arn:${context.partition}:bedrock:${regionExpression}::foundation-model/${foundationModel}`;
    const arns = local(
      'foundation_model_arns',
      conditional(
        Op.eq(geo, 'global'),
        [modelArn(region), modelArn('')],
        Fn.formatlist('arn:%s:bedrock:%s::foundation-model/%s', [context.partition, conditional(isProfile, profileRegions, [region]), foundationModel]),
      ),
    ).asList;

    // The tiers' policy, in plain HCL over the map (a statement per model, so each profile binds its own models).
    local('bedrock_arn_context', { partition: context.partition, region, account_id: context.accountId, profile_regions: INFERENCE_PROFILE_REGIONS });
    local('bedrock_tier_models', `\${${tierModelsHcl()}}`);
    const tiersPolicy = local('bedrock_tiers_policy', `\${${tiersPolicyHcl()}}`).asString;

    this.modelId = model;
    this.tiersOn = tiersOn;
    this.tiersPolicyJson = tiersPolicy;
    this.isInferenceProfile = isProfile;
    this.inferenceProfileArn = profileArn;
    this.foundationModelArns = arns;
  }
}

/** Each distinct tier model: its id, its geography prefix (empty for a plain model id) and its foundation model. */
function tierModelsHcl(): string {
  return oneLine(`[for id in sort(distinct(values(var.model_tiers))) : {
    id = id,
    geo = try(regex("${PROFILE_PREFIX}", id)[0], ""),
    foundation = replace(id, "/${PROFILE_PREFIX}/", ""),
  }]`);
}

/**
 * The same grants as the single model's documents, for every tier: a plain
 * model in the Region; a profile, with its foundation model in the profile's
 * destination Regions (or bedrock_inference_profile_regions) bound to it; a
 * global profile's model in the source Region and Region-less.
 */
function tiersPolicyHcl(): string {
  const actions = JSON.stringify(BEDROCK_INVOKE_ACTIONS);
  const c = 'local.bedrock_arn_context';
  const profileArn = `format("arn:%s:bedrock:%s:%s:inference-profile/%s", ${c}.partition, ${c}.region, ${c}.account_id, m.id)`;
  const modelArns = `(m.geo == "global"
      ? [format("arn:%s:bedrock:%s::foundation-model/%s", ${c}.partition, ${c}.region, m.foundation), format("arn:%s:bedrock:::foundation-model/%s", ${c}.partition, m.foundation)]
      : formatlist("arn:%s:bedrock:%s::foundation-model/%s", ${c}.partition, length(var.bedrock_inference_profile_regions) > 0 ? var.bedrock_inference_profile_regions : lookup(${c}.profile_regions, m.geo, [${c}.region]), m.foundation))`;
  return oneLine(`jsonencode({
  Version = "2012-10-17",
  Statement = concat(
    flatten([for i, m in local.bedrock_tier_models : [
      { Sid = format("InvokeInferenceProfile%d", i), Effect = "Allow", Action = ${actions}, Resource = [${profileArn}] },
      { Sid = format("InvokeFoundationModel%d", i), Effect = "Allow", Action = ${actions}, Resource = ${modelArns},
        Condition = { StringEquals = { "bedrock:InferenceProfileArn" = [${profileArn}] } } },
    ] if m.geo != ""]),
    [for i, m in local.bedrock_tier_models : {
      Sid = format("InvokeFoundationModel%d", i), Effect = "Allow", Action = ${actions},
      Resource = [format("arn:%s:bedrock:%s::foundation-model/%s", ${c}.partition, ${c}.region, m.id)]
    } if m.geo == ""],
  )
})`);
}

/** An HCL expression on one line: Terraform's JSON syntax reads a `\${…}` template, where a line break has no place. */
function oneLine(hcl: string): string {
  return hcl.replace(/\s*\n\s*/g, ' ');
}
