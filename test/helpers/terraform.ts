/**
 * The run's synthesized and initialised stack (made once by the terraform
 * project's global setup), and plans against it. Every plan of the run lives
 * in the same folder, so names carry the test file's prefix.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareCaller, type CallerEnvironment, type PreparedCaller } from '../../src/terraform/callers';
import { offlineAwsEnv, requireTerraform, TerraformWorkdir, type PlanJson, type PlannedResource, type TfRun } from '../../src/terraform/terraform';
import { testStack } from './test-run';

export interface PlanOutcome {
  readonly run: TfRun;
  readonly plan?: PlanJson;
}

let stackWorkdir: TerraformWorkdir | undefined;
// A test file's shared provider stops when the file ends (and with the worker, should that come first).
afterAll(() => stackWorkdir?.close());

/** The run's synthesized stack, one per test file, its plans sharing one provider process where that cannot change them. */
export function sharedStack(): TerraformWorkdir {
  if (!stackWorkdir) {
    const { stackDir, cliConfig, stsUrl } = testStack();
    stackWorkdir = new TerraformWorkdir(stackDir, requireTerraform(), cliConfig, offlineAwsEnv(stsUrl)).shareProvider();
  }
  return stackWorkdir;
}

/** Where the run's module was synthesized, and what a caller of it needs to plan offline. */
export function callerEnvironment(): CallerEnvironment & { moduleDir: string } {
  const { stackDir, cliConfig, stsUrl } = testStack();
  const root = path.resolve(stackDir, '..', '..', '..');
  return { root, terraform: requireTerraform(), cliConfig, stsUrl, moduleDir: path.join(root, 'cdktf.out', 'modules', 'agent') };
}

/** Copies a configuration that uses the module (an example, a fixture caller) beside the run's module, and initialises it. */
export function testCaller(source: string, group: 'examples' | 'callers'): Promise<PreparedCaller> {
  return prepareCaller(callerEnvironment(), source, group);
}

/** The stack's variable blocks alone, to check validations without starting the AWS provider. */
export function variablesOnly(): TerraformWorkdir {
  const { variablesDir, cliConfig } = testStack();
  return new TerraformWorkdir(variablesDir, requireTerraform(), cliConfig);
}

/**
 * Plans every variant at once; Terraform's own parallelism is bounded by the
 * machine, not by us. `variables` plans against the variable blocks alone:
 * for variants that only a validation rejects.
 */
export async function planEach<K extends string>(
  prefix: string,
  variants: Readonly<Record<K, string>>,
  where: 'stack' | 'variables' = 'stack',
): Promise<Record<K, PlanOutcome>> {
  const tf = where === 'stack' ? sharedStack() : variablesOnly();
  const entries = await Promise.all(
    Object.entries<string>(variants).map(async ([name, tfvars]) => [name, await planOnce(tf, `${prefix}-${name}`, tfvars)] as const),
  );
  return Object.fromEntries(entries) as Record<K, PlanOutcome>;
}

/** Longest a worker waits for another worker's plan of the same tfvars. @unit ms */
const SHARED_PLAN_WAIT_MS = 300_000;

/**
 * One plan per distinct tfvars per run, whichever test file asks first: the
 * result is kept beside the stack, and a worker that asks while another is
 * planning waits for its result.
 */
async function planOnce(tf: TerraformWorkdir, name: string, tfvars: string): Promise<PlanOutcome> {
  // The same assignments with different blank lines or indentation are the same plan.
  const normalised = tfvars
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
  const key = createHash('sha256').update(normalised).digest('hex').slice(0, 16);
  const result = path.join(tf.dir, `plan-${key}.json`);
  try {
    fs.writeFileSync(`${result}.lock`, name, { flag: 'wx' });
  } catch {
    const until = Date.now() + SHARED_PLAN_WAIT_MS;
    while (!fs.existsSync(result)) {
      if (Date.now() > until) throw new Error(`Waited ${SHARED_PLAN_WAIT_MS} ms for another worker's plan of ${name}.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return JSON.parse(fs.readFileSync(result, 'utf8')) as PlanOutcome;
  }
  const outcome = await tf.plan(name, `${normalised}\n`);
  fs.writeFileSync(`${result}.tmp`, JSON.stringify(outcome));
  fs.renameSync(`${result}.tmp`, result);
  return outcome;
}

/** The plan of a variant that must succeed; its stderr otherwise. */
export function planned(outcome: PlanOutcome, name: string): PlanJson {
  if (!outcome.plan) throw new Error(`${name} failed to plan:\n${outcome.run.stderr}`);
  return outcome.plan;
}

/** A run that must fail, with Terraform's line-wrapped box drawing flattened so messages match. */
export function rejected(outcome: PlanOutcome, name: string): TfRun {
  if (outcome.plan) throw new Error(`${name} planned successfully, but it must be rejected`);
  return { ...outcome.run, stderr: outcome.run.stderr.replace(/[\s│]+/g, ' ') };
}

/** The actions the run's local STS was asked. */
export async function stsActions(): Promise<string[]> {
  const response = await fetch(`${testStack().stsUrl}/actions`);
  return (await response.json()) as string[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string[]>>;
}

/**
 * A policy's statements in one form whatever wrote them: actions, resources
 * and condition values as sorted arrays (`aws_iam_policy_document` writes a
 * single value as a string; IAM reads both alike).
 */
export function statements(policy: unknown): PolicyStatement[] {
  if (typeof policy !== 'string') throw new Error(`policy is not known at plan time: ${JSON.stringify(policy)}`);
  const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
  const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(text) : [text(value)]).sort();
  const parsed = JSON.parse(policy) as { Statement: Array<Record<string, unknown>> | Record<string, unknown> };
  return [parsed.Statement].flat().map((s) => ({
    ...(s.Sid ? { Sid: text(s.Sid) } : {}),
    Effect: text(s.Effect),
    Action: list(s.Action),
    Resource: list(s.Resource),
    ...(s.Condition
      ? {
          Condition: Object.fromEntries(
            Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([op, c]) => [
              op,
              Object.fromEntries(Object.entries(c).map(([k, v]) => [k, list(v)])),
            ]),
          ),
        }
      : {}),
  }));
}

/** Every planned resource of `plan`, in the root module and in every module below it. */
export function everyPlannedResource(plan: PlanJson): PlannedResource[] {
  type Module = { resources?: PlannedResource[]; child_modules?: Module[] };
  const walk = (m: Module | undefined): PlannedResource[] => [...(m?.resources ?? []), ...(m?.child_modules ?? []).flatMap(walk)];
  return walk(plan.planned_values.root_module);
}

/** The planned resources of `plan`'s root module, of one type or all. */
export function plannedResources(plan: PlanJson, type?: string): PlannedResource[] {
  const all = plan.planned_values.root_module.resources ?? [];
  return type ? all.filter((r) => r.type === type) : all;
}
