/**
 * `npm run check [-- --var-file f ...]`: builds, synthesizes, plans offline
 * (real terraform, the local provider mirror, dummy credentials, a local
 * STS) for every tfvars combination of the matrix and every example, or for
 * your own files, and evaluates the policy rules on each agent of each plan.
 * Exits 1 on any violation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkMatrix, type Combination } from './matrix';
import { exampleDirs, exampleTfvars } from '../terraform/callers';
import { prepareOfflineStack } from '../terraform/offline-stack';
import type { PlanJson, TfRun } from '../terraform/terraform';
import { deploymentsOf } from './deployments';
import { evaluatePlan, RULES } from './rules';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'var-file': { type: 'string', multiple: true }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run check -- [--var-file terraform.tfvars ...]\n\nWithout --var-file, plans the built-in matrix (both providers x both auth types x VPC off/on, and a KMS key) and every example in examples/.\n',
    );
    return 0;
  }
  const combos: Combination[] = values['var-file']?.length
    ? values['var-file'].map((file) => {
        if (!fs.existsSync(file)) throw new Error(`--var-file ${file} does not exist.`);
        return { name: path.basename(file), tfvars: fs.readFileSync(file, 'utf8') };
      })
    : checkMatrix();

  process.stdout.write(`Policy rules:\n${RULES.map((r) => `  ${r.id}  ${r.reason}`).join('\n')}\n\n`);
  const stack = await prepareOfflineStack('check');
  let failures = 0;
  let planCount = 0;
  const report = (name: string, outcome: { run: TfRun; plan?: PlanJson }) => {
    planCount += 1;
    if (!outcome.plan) {
      failures += 1;
      process.stdout.write(`FAIL  ${name}: terraform plan failed\n${outcome.run.stderr.trim()}\n`);
      return;
    }
    const deployments = deploymentsOf(outcome.plan);
    const result = evaluatePlan(outcome.plan);
    failures += result.violations.length;
    const resources = deployments.reduce((sum, d) => sum + d.resources.length, 0);
    const agents = deployments.filter((d) => d.resources.some((r) => r.type === 'aws_lambda_function')).length;
    process.stdout.write(
      `${result.violations.length === 0 ? 'PASS' : 'FAIL'}  ${name} (${agents === 1 ? '1 agent' : `${agents} agents`}, ${resources} resources, ${RULES.length} rules)\n`,
    );
    for (const v of result.violations) process.stdout.write(`      ${v.rule}  ${v.address}: ${v.message}\n`);
    for (const address of result.unevaluated) process.stdout.write(`      note: ${address} is only known after apply; the rules could not read it\n`);
  };
  try {
    const results = await Promise.all(combos.map(async (combo) => ({ combo, result: await stack.tf.plan(combo.name.replace(/[^\w.-]/g, '_'), combo.tfvars) })));
    for (const { combo, result } of results) report(combo.name, result);
    // The examples use the module from their own Terraform; the rules hold for every agent they deploy.
    if (!values['var-file']?.length) {
      const examples = await Promise.all(
        exampleDirs(PROJECT_ROOT).map(async (dir) => {
          const caller = await stack.caller(dir, 'examples');
          return { name: `examples/${path.basename(dir)}`, result: await caller.tf.plan('check', exampleTfvars(dir)) };
        }),
      );
      for (const { name, result } of examples) report(name, result);
    }
  } finally {
    await stack.dispose();
  }
  process.stdout.write(`\ncheck: ${planCount} plan(s), ${failures === 0 ? 'no violations' : `${failures} problem(s)`}\n`);
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`check failed to run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
