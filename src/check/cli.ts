/**
 * `npm run check [-- --var-file f ...]`: builds, synthesizes, plans offline
 * (real terraform, the local provider mirror, dummy credentials, a local
 * STS) for every tfvars combination of the matrix, or for your own files,
 * and evaluates the policy rules on each plan. Exits 1 on any violation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkMatrix, type Combination } from './matrix';
import { prepareOfflineStack } from '../terraform/offline-stack';
import { evaluatePlan, RULES } from './rules';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'var-file': { type: 'string', multiple: true }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run check -- [--var-file terraform.tfvars ...]\n\nWithout --var-file, plans the built-in matrix: both providers x both auth types x VPC off/on.\n',
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
  try {
    const results = await Promise.all(combos.map(async (combo) => ({ combo, result: await stack.tf.plan(combo.name.replace(/[^\w.-]/g, '_'), combo.tfvars) })));
    for (const { combo, result } of results) {
      if (!result.plan) {
        failures += 1;
        process.stdout.write(`FAIL  ${combo.name}: terraform plan failed\n${result.run.stderr.trim()}\n`);
        continue;
      }
      const report = evaluatePlan(result.plan);
      failures += report.violations.length;
      const resources = result.plan.planned_values.root_module.resources?.length ?? 0;
      process.stdout.write(`${report.violations.length === 0 ? 'PASS' : 'FAIL'}  ${combo.name} (${resources} resources, ${RULES.length} rules)\n`);
      for (const v of report.violations) process.stdout.write(`      ${v.rule}  ${v.address}: ${v.message}\n`);
      for (const address of report.unevaluated) process.stdout.write(`      note: ${address} is only known after apply; IAM rules could not read it\n`);
    }
  } finally {
    await stack.dispose();
  }
  process.stdout.write(`\ncheck: ${combos.length} plan(s), ${failures === 0 ? 'no violations' : `${failures} problem(s)`}\n`);
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`check failed to run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
