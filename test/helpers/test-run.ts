/**
 * What one test run shares, made once by the global setups and handed to the
 * workers through environment variables: the built zip (and its unpacked
 * folder), and for the terraform project the synthesized, initialised stack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from '../../build/pipeline';
import { unpackZip } from '../../build/zip';
import { prepareOfflineStack, type OfflineStack } from '../../src/terraform/offline-stack';
import { requireTerraform, TerraformWorkdir } from '../../src/terraform/terraform';
import { loadArtifact, type FunctionArtifact } from '../../src/stacks/artifact';
import { REPO_ROOT } from './project';

const RUN_DIR = 'AGENT_TEST_RUN_DIR';
const STACK_DIR = 'AGENT_TEST_STACK_DIR';
const CLI_CONFIG = 'AGENT_TEST_TF_CLI_CONFIG';
const STS_URL = 'AGENT_TEST_STS_URL';
const VARIABLES_DIR = 'AGENT_TEST_VARIABLES_DIR';
/** Why the stack could not be prepared (no terraform, no provider mirror): each terraform test fails with it. */
const STACK_ERROR = 'AGENT_TEST_STACK_ERROR';

/** Handles that must outlive the setup module, for the teardown. */
const shared = globalThis as { agentTestStack?: OfflineStack };

export interface TestArtifact extends FunctionArtifact {
  readonly manifestPath: string;
  /** The zip unpacked, as Lambda unpacks it: LAMBDA_TASK_ROOT of local execution environments. */
  readonly taskRoot: string;
}

/** Builds the zip once per run (a second call, from another project's setup, reuses it). */
export async function prepareTestArtifact(): Promise<void> {
  if (process.env[RUN_DIR]) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-test-run-'));
  const result = await build({ root: REPO_ROOT, outDir: path.join(dir, 'dist') });
  unpackZip(fs.readFileSync(result.zipPath), path.join(dir, 'task'));
  process.env[RUN_DIR] = dir;
}

/** The zip of this run, in a test worker. */
export function testArtifact(): TestArtifact {
  const dir = process.env[RUN_DIR];
  if (!dir)
    throw new Error(
      `${RUN_DIR} is not set: the artifact is built by the Jest global setup (test/setup/global-setup.ts). Run the tests with \`npm test\` or \`npx jest\`.`,
    );
  const manifestPath = path.join(dir, 'dist', 'function.manifest.json');
  return { ...loadArtifact(manifestPath), manifestPath, taskRoot: path.join(dir, 'task') };
}

/** Synthesizes the stack from this run's zip and initialises it offline, once per run. */
export async function prepareTestStack(): Promise<void> {
  if (process.env[STACK_DIR] || process.env[STACK_ERROR]) return;
  let stack: OfflineStack;
  try {
    stack = await prepareOfflineStack('test-stack', { artifact: testArtifact() });
  } catch (error) {
    process.env[STACK_ERROR] = error instanceof Error ? error.message : String(error);
    return;
  }
  shared.agentTestStack = stack;
  process.env[STACK_DIR] = stack.stackDir;
  process.env[CLI_CONFIG] = stack.cliConfig;
  process.env[STS_URL] = stack.sts.url;
  process.env[VARIABLES_DIR] = await prepareVariablesOnly(stack);
}

/**
 * The stack's `variable` blocks alone, copied from the synthesized JSON: no
 * provider, no resource. Terraform evaluates every variable validation there
 * exactly as in the stack, in a fraction of a second instead of the seconds a
 * plan of the stack spends starting the AWS provider.
 */
async function prepareVariablesOnly(stack: OfflineStack): Promise<string> {
  const synthesized = JSON.parse(fs.readFileSync(path.join(stack.stackDir, 'cdk.tf.json'), 'utf8')) as {
    terraform: { required_version: string };
    variable: unknown;
  };
  const dir = path.join(path.dirname(stack.stackDir), 'variables-only');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'main.tf.json'),
    JSON.stringify({ terraform: { required_version: synthesized.terraform.required_version }, variable: synthesized.variable }, null, 2),
  );
  await new TerraformWorkdir(dir, requireTerraform(), stack.cliConfig).init();
  return dir;
}

export async function disposeTestRun(): Promise<void> {
  await shared.agentTestStack?.dispose();
  shared.agentTestStack = undefined;
  const dir = process.env[RUN_DIR];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[RUN_DIR];
  delete process.env[STACK_DIR];
  delete process.env[STACK_ERROR];
  delete process.env[VARIABLES_DIR];
}

/** The initialised stack folder of this run and the Terraform CLI config that goes with it, in a test worker. */
export function testStack(): { stackDir: string; cliConfig: string; stsUrl: string; variablesDir: string } {
  const stackDir = process.env[STACK_DIR];
  const variablesDir = process.env[VARIABLES_DIR];
  const cliConfig = process.env[CLI_CONFIG];
  const stsUrl = process.env[STS_URL];
  if (process.env[STACK_ERROR]) throw new Error(process.env[STACK_ERROR]);
  if (!stackDir || !cliConfig || !stsUrl || !variablesDir)
    throw new Error(`${STACK_DIR} is not set: the stack is prepared by the terraform project's global setup (test/setup/global-setup-terraform.ts).`);
  return { stackDir, cliConfig, stsUrl, variablesDir };
}
