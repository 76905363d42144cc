/**
 * A synthesized agent stack in a temporary folder, in both forms (root stack
 * and module), initialised against the local provider mirror, with dummy
 * credentials and a local STS: ready for `terraform plan` with any tfvars,
 * and for callers of the module (the examples), no AWS account involved.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionArtifact } from '../stacks/artifact';
import { prepareCaller, type CallerEnvironment, type PreparedCaller } from './callers';
import { startStsServer, type LocalServer } from './local-sts';
import { buildArtifact, synthAgentStack } from './synth';
import { locateAwsProviderMirror, offlineAwsEnv, requireTerraform, TerraformWorkdir, writeCliConfig } from './terraform';

export interface OfflineStack extends CallerEnvironment {
  /** The root stack, initialised. */
  readonly tf: TerraformWorkdir;
  readonly sts: LocalServer;
  readonly stackDir: string;
  readonly moduleDir: string;
  /** Copies a configuration that uses the module beside it, and initialises it. */
  caller(source: string, group: string): Promise<PreparedCaller>;
  dispose(): Promise<void>;
}

export interface OfflineStackOptions {
  /** @default - the project root of this checkout */
  readonly projectRoot?: string;
  /** A zip already built. @default - built now from `projectRoot` */
  readonly artifact?: FunctionArtifact;
}

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export async function prepareOfflineStack(prefix: string, options: OfflineStackOptions = {}): Promise<OfflineStack> {
  const terraform = requireTerraform();
  const mirror = locateAwsProviderMirror();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `agent-${prefix}-`));
  const removeDir = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });
  const sts = await startStsServer();
  try {
    const artifact = options.artifact ?? (await buildArtifact(options.projectRoot ?? PROJECT_ROOT, path.join(root, 'dist')));
    const { stackDir, moduleDir } = synthAgentStack(root, artifact);
    fs.writeFileSync(
      path.join(stackDir, 'zz_test_outputs.tf.json'),
      JSON.stringify({ output: { test_zip_filebase64sha256: { value: '${filebase64sha256(aws_lambda_function.agent.filename)}' } } }),
    );
    const cliConfig = path.join(root, 'terraform.rc');
    writeCliConfig(cliConfig, mirror);
    const tf = new TerraformWorkdir(stackDir, terraform, cliConfig, offlineAwsEnv(sts.url));
    await tf.init();
    tf.shareProvider();
    const env: CallerEnvironment = { root, terraform, cliConfig, stsUrl: sts.url };
    return {
      ...env,
      tf,
      sts,
      stackDir,
      moduleDir,
      caller: (source, group) => prepareCaller(env, source, group),
      dispose: async () => {
        await tf.close();
        await sts.close();
        removeDir(root);
      },
    };
  } catch (error) {
    await sts.close();
    removeDir(root);
    throw error;
  }
}
