/**
 * Model tiers in Terraform: `model_tiers` and `default_model_tier` reach the
 * function as MODEL_TIERS and DEFAULT_MODEL_TIER, and on Bedrock the role
 * may invoke every tier's model exactly as it would the single model, and
 * nothing else. Offline plans against the real provider schema.
 */
import { evaluatePlan } from '../../src/check/rules';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, TfRun } from '../../src/terraform/terraform';
import { ANTHROPIC_TIERS_TFVARS } from '../fixtures/tfvars';
import { plannedResources, planEach, planned, rejected, statements, type PolicyStatement } from '../helpers/terraform';

const BEDROCK_TIERS =
  'model_tiers = { fast = "us.anthropic.claude-haiku-4-5", standard = "global.anthropic.claude-sonnet-5-5", deep = "anthropic.claude-opus-4-5", also-fast = "us.anthropic.claude-haiku-4-5" }';
const INVOKE = ['bedrock:InvokeModelWithResponseStream'];
const profile = (id: string) => `arn:aws:bedrock:us-east-1:${TEST_ACCOUNT_ID}:inference-profile/${id}`;
const model = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;

/** Rejected by a validation of the variables alone: each planned on its own, since validations across variables wait for the plain ones. */
const INVALID: Array<[label: string, tfvars: string, message: RegExp]> = [
  [
    'a tier name with capitals',
    'model_tiers = { Fast = "claude-haiku-4-5" }\ndefault_model_tier = "fast"',
    /model_tiers must have names that are each a tier name/,
  ],
  ['a tier with an empty model', 'model_tiers = { fast = "" }\ndefault_model_tier = "fast"', /model_tiers must have values that are model ids/],
  [
    'eleven tiers',
    `model_tiers = { ${Array.from({ length: 11 }, (_, i) => `t${i} = "claude-haiku-4-5"`).join(', ')} }\ndefault_model_tier = "t0"`,
    /model_tiers must have at most 10 entries/,
  ],
  ['tiers without a default tier', 'model_tiers = { fast = "claude-haiku-4-5" }', /default_model_tier must name one of model_tiers' tiers/],
  [
    'a default tier that is not a tier',
    'model_tiers = { fast = "claude-haiku-4-5" }\ndefault_model_tier = "deep"',
    /default_model_tier must name one of model_tiers' tiers/,
  ],
  [
    'tiers beside model_id',
    'model_tiers = { fast = "claude-haiku-4-5" }\ndefault_model_tier = "fast"\nmodel_id = "claude-opus-4-5"',
    /model_id and model_tiers are both set: with tiers, the default model is the one default_model_tier names/,
  ],
  [
    'a model_id with no price',
    'model_id = "claude-haiku-5"',
    /claude-haiku-5: model_id or model_tiers names a model with no price, so its spend would\s+escape the budgets/,
  ],
  [
    'tiers with models that have no price',
    'model_tiers = { fast = "claude-haiku-5", deep = "claude-opus-5", odd = "claude-mystery-1" }\ndefault_model_tier = "fast"',
    /claude-haiku-5, claude-mystery-1: model_id or model_tiers names a model with no price[\s\S]*Add it to model_prices/,
  ],
  [
    'a negative price',
    'model_id = "claude-haiku-5"\nmodel_prices = { "claude-haiku-5" = { input_usd_per_mtok = -1, output_usd_per_mtok = 5 } }',
    /model_prices must have prices from 0 to 1000 US dollars per million tokens/,
  ],
];

describe('model tiers (offline plans)', () => {
  let bedrock: PlanJson;
  let explicitRegions: PlanJson;
  let anthropic: PlanJson;
  let invalid: TfRun[];

  beforeAll(async () => {
    const [plans, validations] = await Promise.all([
      planEach('tiers', {
        bedrock: `llm_provider = "bedrock"\n${BEDROCK_TIERS}\ndefault_model_tier = "standard"\n`,
        'explicit-regions': `llm_provider = "bedrock"\n${BEDROCK_TIERS}\ndefault_model_tier = "fast"\nbedrock_inference_profile_regions = ["us-east-1", "us-west-2"]\n`,
        anthropic: ANTHROPIC_TIERS_TFVARS,
      }),
      planEach('tiers', Object.fromEntries(INVALID.map(([, tfvars], i) => [`invalid-${i}`, tfvars])), 'variables'),
    ]);
    bedrock = planned(plans.bedrock, 'bedrock');
    explicitRegions = planned(plans['explicit-regions'], 'explicit-regions');
    anthropic = planned(plans.anthropic, 'anthropic');
    invalid = INVALID.map((_, i) => rejected(validations[`invalid-${i}`], `invalid-${i}`));
  }, 300_000);

  test('the function gets the tiers as JSON and the default tier, and no MODEL_ID', () => {
    const variables = agentEnvironment(bedrock);
    expect(JSON.parse(variables.MODEL_TIERS)).toEqual({
      fast: 'us.anthropic.claude-haiku-4-5',
      standard: 'global.anthropic.claude-sonnet-5-5',
      deep: 'anthropic.claude-opus-4-5',
      'also-fast': 'us.anthropic.claude-haiku-4-5',
    });
    expect(variables.DEFAULT_MODEL_TIER).toBe('standard');
    expect(variables.MODEL_ID).toBeUndefined();
    expect(bedrock.planned_values.outputs?.model_id?.value).toBe('global.anthropic.claude-sonnet-5-5');
  });

  test('on Bedrock the role may invoke every tier’s model, each as the single model would be granted, and nothing else', () => {
    expect(sortedStatements(bedrockPolicy(bedrock))).toEqual(
      sortedStatements([
        // A plain model id: the model in the Region.
        { Sid: 'InvokeFoundationModel0', Effect: 'Allow', Action: INVOKE, Resource: [model('us-east-1', 'anthropic.claude-opus-4-5')] },
        // A global profile: the profile, and its model in the source Region and Region-less, through the profile only.
        { Sid: 'InvokeInferenceProfile1', Effect: 'Allow', Action: INVOKE, Resource: [profile('global.anthropic.claude-sonnet-5-5')] },
        {
          Sid: 'InvokeFoundationModel1',
          Effect: 'Allow',
          Action: INVOKE,
          Resource: [model('us-east-1', 'anthropic.claude-sonnet-5-5'), model('', 'anthropic.claude-sonnet-5-5')].sort(),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': [profile('global.anthropic.claude-sonnet-5-5')] } },
        },
        // A US profile (named by two tiers, granted once): the profile, and its model in the US destination Regions through it.
        { Sid: 'InvokeInferenceProfile2', Effect: 'Allow', Action: INVOKE, Resource: [profile('us.anthropic.claude-haiku-4-5')] },
        {
          Sid: 'InvokeFoundationModel2',
          Effect: 'Allow',
          Action: INVOKE,
          Resource: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((r) => model(r, 'anthropic.claude-haiku-4-5')),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': [profile('us.anthropic.claude-haiku-4-5')] } },
        },
      ]),
    );
  });

  test('listed destination Regions replace the documented ones for every tier’s profile', () => {
    const haiku = bedrockPolicy(explicitRegions).find((s) => s.Sid === 'InvokeFoundationModel2');
    expect(haiku?.Resource).toEqual(['us-east-1', 'us-west-2'].map((r) => model(r, 'anthropic.claude-haiku-4-5')));
  });

  test('the policy rules pass with tiers, AGENT-MODEL-001 among them', () => {
    expect(evaluatePlan(bedrock)).toEqual({ violations: [], unevaluated: [] });
    expect(evaluatePlan(anthropic)).toEqual({ violations: [], unevaluated: [] });
  });

  test('on the Anthropic API tiers grant nothing in IAM: there is no Bedrock policy', () => {
    expect(plannedResources(anthropic, 'aws_iam_role_policy').map((p) => p.values.name)).not.toContain('bedrock-invoke');
    expect(JSON.parse(agentEnvironment(anthropic).MODEL_TIERS)).toEqual({ fast: 'claude-haiku-4-5', deep: 'claude-opus-4-5', next: 'claude-haiku-5' });
  });

  test('model_prices reach the function as JSON (unset prices as null), and only when set', () => {
    expect(JSON.parse(agentEnvironment(anthropic).MODEL_PRICES)).toEqual({
      'claude-haiku-5': { input_usd_per_mtok: 1, output_usd_per_mtok: 5, cache_write_usd_per_mtok: null, cache_read_usd_per_mtok: 0.1 },
    });
    expect(agentEnvironment(bedrock).MODEL_PRICES).toBeUndefined();
  });

  test.each(INVALID.map((c, i) => [...c, i] as const))('rejects %s at plan, saying what to set', (_label, _tfvars, message, i) => {
    expect(invalid[i].status).toBe(1);
    expect(invalid[i].stderr).toMatch(message);
  });
});

function agentEnvironment(plan: PlanJson): Record<string, string> {
  const [fn] = plannedResources(plan, 'aws_lambda_function').filter((f) => f.name === 'agent');
  return (fn.values.environment as Array<{ variables: Record<string, string> }>)[0].variables;
}

function bedrockPolicy(plan: PlanJson): PolicyStatement[] {
  const [policy] = plannedResources(plan, 'aws_iam_role_policy').filter((p) => p.values.name === 'bedrock-invoke');
  return statements(policy.values.policy);
}

function sortedStatements(list: PolicyStatement[]): PolicyStatement[] {
  return [...list].map((s) => ({ ...s, Resource: [...s.Resource].sort() })).sort((a, b) => String(a.Sid).localeCompare(String(b.Sid)));
}
