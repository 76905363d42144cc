/**
 * A synthesized agent stack in a temporary folder, initialised against the
 * local provider mirror, with dummy credentials and a local STS: ready for
 * `terraform plan` with any tfvars, no AWS account involved.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionArtifact } from '../stacks/artifact';
import { startStsServer, type LocalServer } from './local-sts';
import { buildArtifact, synthAgentStack } from './synth';
import { locateAwsProviderMirror, requireTerraform, TerraformWorkdir, writeCliConfig } from './terraform';

export interface OfflineStack {
  readonly tf: TerraformWorkdir;
  readonly sts: LocalServer;
  readonly stackDir: string;
  /** The Terraform CLI config that installs providers from the local mirror only. */
  readonly cliConfig: string;
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
    const stackDir = synthAgentStack(root, artifact);
    fs.writeFileSync(
      path.join(stackDir, 'zz_offline_override.tf.json'),
      JSON.stringify({
        provider: {
          aws: [
            {
              access_key: 'test',
              secret_key: 'test',
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: true,
              endpoints: [{ sts: sts.url }],
            },
          ],
        },
      }),
    );
    fs.writeFileSync(
      path.join(stackDir, 'zz_test_outputs.tf.json'),
      JSON.stringify({ output: { test_zip_filebase64sha256: { value: '${filebase64sha256(aws_lambda_function.agent.filename)}' } } }),
    );
    const cliConfig = path.join(root, 'terraform.rc');
    writeCliConfig(cliConfig, mirror);
    const tf = new TerraformWorkdir(stackDir, terraform, cliConfig);
    await tf.init();
    return {
      tf,
      sts,
      stackDir,
      cliConfig,
      dispose: async () => {
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
