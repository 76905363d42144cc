/**
 * The module form, used from other Terraform as users do: a caller with
 * count, for_each, depends_on and provider aliases, and each of examples/*,
 * planned offline by real Terraform against the real provider.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploymentsOf, type Deployment } from '../../src/check/deployments';
import { evaluatePlan } from '../../src/check/rules';
import { exampleDirs, exampleTfvars, type PreparedCaller } from '../../src/terraform/callers';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, PlannedResource, TfRun } from '../../src/terraform/terraform';
import { REPO_ROOT } from '../helpers/project';
import { testArtifact } from '../helpers/test-run';
import { callerEnvironment, everyPlannedResource, plannedResources, planEach, planned, rejected, statements, testCaller } from '../helpers/terraform';

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${TEST_ACCOUNT_ID}:secret:anthropic-api-key-AbCdEf`;
const CALLER = path.join(REPO_ROOT, 'test', 'fixtures', 'callers', 'module-caller');
/** Values the two forms may differ in by design: where the zip is named from, and tags (provider default_tags at the root, per resource in the module). */
const FORM_SPECIFIC = new Set(['filename', 'tags', 'tags_all']);

type Json = Record<string, unknown>;
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Json;

describe('the agent as a Terraform module', () => {
  let stackJson: Json;
  let moduleJson: Json;
  let caller: PreparedCaller;
  let root: PlanJson;
  let fromCaller: PlanJson;
  let wrongRegion: TfRun;
  const examples: Record<string, { init: TfRun; plan: PlanJson }> = {};

  beforeAll(async () => {
    const env = callerEnvironment();
    stackJson = readJson(path.join(env.root, 'cdktf.out', 'stacks', 'agent', 'cdk.tf.json'));
    moduleJson = readJson(path.join(env.moduleDir, 'cdk.tf.json'));
    const exampleRuns = exampleDirs(REPO_ROOT).map(async (dir) => {
      const prepared = await testCaller(dir, 'examples');
      const outcome = await prepared.tf.plan('example', exampleTfvars(dir));
      examples[path.basename(dir)] = { init: prepared.init, plan: planned(outcome, `examples/${path.basename(dir)}`) };
    });
    const callerRuns = (async () => {
      caller = await testCaller(CALLER, 'callers');
      const [ok, mismatch] = await Promise.all([
        caller.tf.plan('caller', `secret_arn = "${SECRET_ARN}"\n`),
        caller.tf.plan('caller-wrong-region', `secret_arn = "${SECRET_ARN}"\neu_aws_region = "us-east-1"\n`),
      ]);
      fromCaller = planned(ok, 'module-caller');
      wrongRegion = rejected(mismatch, 'module-caller with a mismatched aws_region');
    })();
    // The root stack with the same inputs as module.counted[0]; the same tfvars as other files' plans, so planned once.
    const rootRun = planEach('module', { root: `anthropic_api_key_secret_arn = "${SECRET_ARN}"` }).then((p) => (root = planned(p.root, 'root')));
    await Promise.all([...exampleRuns, callerRuns, rootRun]);
  }, 300_000);

  const instance = (plan: PlanJson, address: string): Deployment => {
    const found = deploymentsOf(plan).find((d) => d.address === address);
    if (!found)
      throw new Error(
        `the plan has no module instance ${address}; it has ${deploymentsOf(plan)
          .map((d) => d.address || '(root)')
          .join(', ')}`,
      );
    return found;
  };
  const ofType = (d: Deployment, type: string): PlannedResource[] => d.resources.filter((r) => r.type === type);

  describe('its shape', () => {
    test('it declares exactly the variables and outputs of the root stack, with the same types', () => {
      const shape = (json: Json, block: string) => Object.keys(json[block] as Json).sort();
      expect(shape(moduleJson, 'variable')).toEqual(shape(stackJson, 'variable'));
      expect(shape(moduleJson, 'output')).toEqual(shape(stackJson, 'output'));
      const types = (json: Json) => Object.entries(json.variable as Record<string, { type: string }>).map(([name, v]) => [name, v.type]);
      expect(types(moduleJson)).toEqual(types(stackJson));
    });

    test('it has no provider and no backend: only required_providers and required_version', () => {
      expect(moduleJson.provider).toBeUndefined();
      expect(Object.keys(moduleJson.terraform as Json).sort()).toEqual(['required_providers', 'required_version']);
      expect((stackJson.terraform as Json).backend).toBeDefined();
    });

    test('a caller\'s init has no warning about the module, such as "Backend configuration ignored"', () => {
      // The one warning init gives is about installing from the local mirror, not about the module.
      const warnings = (run: TfRun) => [...`${run.stdout}${run.stderr}`.matchAll(/Warning: ([^\n]+)/g)].map((m) => m[1]);
      const inits = { caller: caller.init, ...Object.fromEntries(Object.entries(examples).map(([name, e]) => [name, e.init])) };
      for (const [name, init] of Object.entries(inits)) {
        expect([name, `${init.stdout}${init.stderr}`]).not.toEqual([name, expect.stringContaining('Backend configuration ignored')]);
        expect([name, warnings(init)]).toEqual([name, warnings(init).filter((w) => w === 'Incomplete lock file information for providers')]);
      }
    });
  });

  describe('from a caller with count, for_each, depends_on and provider aliases', () => {
    test('every instance is planned: two counted, one per for_each key, one after a dependency', () => {
      expect(
        deploymentsOf(fromCaller)
          .map((d) => d.address)
          .sort(),
      ).toEqual(['', 'module.after', 'module.counted[0]', 'module.counted[1]', 'module.regional["bedrock"]']);
      expect(ofType(instance(fromCaller, 'module.counted[1]'), 'aws_lambda_function')[0].values.function_name).toBe('claude-agent-1');
    });

    test('with the root stack’s inputs, the module plans the same resources with the same values as the root stack', () => {
      const counted = instance(fromCaller, 'module.counted[0]');
      const comparable = (resources: readonly PlannedResource[], prefix: string) =>
        Object.fromEntries(
          resources.map((r) => [r.address.slice(prefix.length), Object.fromEntries(Object.entries(r.values).filter(([key]) => !FORM_SPECIFIC.has(key)))]),
        );
      expect(comparable(counted.resources, 'module.counted[0].')).toEqual(comparable(plannedResources(root), ''));
    });

    test("every taggable resource carries the caller provider's default_tags, the module's tag and its own", () => {
      for (const address of ['module.counted[0]', 'module.regional["bedrock"]']) {
        const taggable = instance(fromCaller, address).resources.filter((r) => 'tags_all' in r.values);
        expect(taggable.length).toBeGreaterThanOrEqual(3);
        for (const r of taggable) {
          expect([r.address, r.values.tags_all]).toEqual([
            r.address,
            expect.objectContaining({ team: 'agents', 'cost-center': '42', 'managed-by': 'claude-agent-lambda' }),
          ]);
        }
      }
      const regional = ofType(instance(fromCaller, 'module.regional["bedrock"]'), 'aws_lambda_function')[0];
      expect(regional.values.tags_all).toMatchObject({ Name: 'regional' });
    });

    test("the instance given the eu provider deploys into that provider's Region", () => {
      const regional = instance(fromCaller, 'module.regional["bedrock"]');
      const logs = ofType(regional, 'aws_iam_role_policy').find((p) => p.values.name === 'logs');
      expect(statements(logs?.values.policy)[0].Resource).toEqual([
        `arn:aws:logs:eu-west-1:${TEST_ACCOUNT_ID}:log-group:/aws/lambda/claude-agent-bedrock-eu:*`,
      ]);
      expect(fromCaller.planned_values.outputs?.regional_model_id?.value).toBe('eu.anthropic.claude-sonnet-5-5');
    });

    test('an aws_region that disagrees with the provider fails the plan, saying how to fix it', () => {
      expect(wrongRegion.stderr).toMatch(
        /aws_region is set, and it is not the Region of the aws provider this module was given \(eu-west-1\)\. Pass the provider of that Region \(providers = \{ aws = aws\.<alias> \}\), or leave aws_region empty\./,
      );
    });

    test("the zip path resolves from the caller: Terraform's filebase64sha256 of it is the manifest's source_code_hash", async () => {
      const fn = ofType(instance(fromCaller, 'module.counted[0]'), 'aws_lambda_function')[0];
      expect(fn.values.filename).toMatch(/^\.\.\/\.\.\/cdktf\.out\/modules\/agent\/assets\//);
      const run = await caller.tf.run(['console', '-no-color', `-var=secret_arn=${SECRET_ARN}`], `filebase64sha256("${String(fn.values.filename)}")\n`);
      expect(run.stderr).toBe('');
      const evaluated = JSON.parse(run.stdout.trim()) as string;
      expect(evaluated).toBe(testArtifact().sourceCodeHash);
      expect(fn.values.source_code_hash).toBe(testArtifact().sourceCodeHash);
    });

    test('the policy rules of `npm run check` pass on every instance', () => {
      const report = evaluatePlan(fromCaller);
      expect(report.violations).toEqual([]);
      // depends_on defers the module's data sources (account, Region) to apply, so that instance's policies are not known yet.
      expect(report.unevaluated.every((address) => address.startsWith('module.after.'))).toBe(true);
    });
  });

  describe('examples/', () => {
    test('there are the three documented examples', () => {
      expect(Object.keys(examples).sort()).toEqual(['anthropic-basic', 'bedrock-vpc', 'multi-region']);
    });

    test('anthropic-basic: one agent reading its key from the given secret', () => {
      const agent = instance(examples['anthropic-basic'].plan, 'module.agent');
      expect(agent.resources.map((r) => r.type).sort()).toEqual([
        'aws_cloudwatch_dashboard',
        'aws_cloudwatch_log_group',
        ...Array.from({ length: 4 }, () => 'aws_cloudwatch_query_definition'),
        'aws_iam_role',
        'aws_iam_role_policy',
        'aws_iam_role_policy',
        'aws_lambda_function',
        'aws_lambda_function_url',
      ]);
    });

    test('bedrock-vpc: the function in the given subnets, with bedrock-runtime, logs and sts endpoints', () => {
      const agent = instance(examples['bedrock-vpc'].plan, 'module.agent');
      const endpoints = ofType(agent, 'aws_vpc_endpoint').map((e) => String(e.values.service_name).split('.').pop());
      expect(endpoints.sort()).toEqual(['bedrock-runtime', 'logs', 'sts']);
      expect(ofType(agent, 'aws_lambda_function')[0].values.vpc_config).toEqual([
        expect.objectContaining({ subnet_ids: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] }),
      ]);
    });

    test("multi-region: every agent in both Regions, each on its geography's inference profile and its provider's tags", () => {
      const plan = examples['multi-region'].plan;
      expect(plan.planned_values.outputs?.model_ids?.value).toEqual({
        'assistant/us-east-1': 'us.anthropic.claude-sonnet-5-5',
        'assistant/eu-west-1': 'eu.anthropic.claude-sonnet-5-5',
        'researcher/us-east-1': 'us.anthropic.claude-sonnet-5-5',
        'researcher/eu-west-1': 'eu.anthropic.claude-sonnet-5-5',
      });
      const fn = ofType(instance(plan, 'module.agent_secondary["researcher"]'), 'aws_lambda_function')[0];
      expect(fn.values).toMatchObject({ function_name: 'researcher-eu-west-1', memory_size: 1024 });
      expect(fn.values.tags_all).toMatchObject({ team: 'agents', 'region-role': 'secondary', 'managed-by': 'claude-agent-lambda' });
    });

    test("the README's table states each example's resource count as its plan has it", () => {
      const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
      const stated = Object.fromEntries(
        [...readme.matchAll(/^\| \[`examples\/([a-z-]+)`\]\([^)]*\) \|.*\| (\d+)(?: \(\d+ agents\))? \|$/gm)].map((m) => [m[1], Number(m[2])]),
      );
      const planned = Object.fromEntries(Object.entries(examples).map(([name, e]) => [name, everyPlannedResource(e.plan).length]));
      expect(stated).toEqual(planned);
    });

    test.each([['anthropic-basic'], ['bedrock-vpc'], ['multi-region']])('%s passes the policy rules of `npm run check`', (name) => {
      expect(evaluatePlan(examples[name].plan)).toEqual({ violations: [], unevaluated: [] });
    });
  });
});
