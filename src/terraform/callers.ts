/**
 * Root configurations that use the agent module, such as `examples/*` and the
 * tests' callers, planned offline. A caller names the module by the path the
 * examples use from the repository, `../../cdktf.out/modules/agent`, and is
 * copied to the same depth beside a synthesized `cdktf.out`, so that path
 * resolves unchanged. Providers are configured by the caller; credentials and
 * STS come from the offline environment, so nothing in the caller is edited.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { offlineAwsEnv, TerraformWorkdir, type TfRun } from './terraform';

/** How every example refers to the module. */
export const MODULE_SOURCE = '../../cdktf.out/modules/agent';

/** What a caller needs to be planned offline. */
export interface CallerEnvironment {
  /** The folder holding the synthesized `cdktf.out`. */
  readonly root: string;
  readonly terraform: string;
  /** A CLI config that installs providers from the local mirror only. */
  readonly cliConfig: string;
  /** The local STS the AWS provider asks who the caller is. */
  readonly stsUrl: string;
}

export interface PreparedCaller {
  readonly tf: TerraformWorkdir;
  /** `terraform init`'s run, to inspect for warnings. */
  readonly init: TfRun;
}

/** Files a user's working copy of an example may hold that are not part of it. */
const LOCAL_ONLY = /^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfvars|.*\.tfstate(\..*)?|.*\.tfplan)$/;

/** Copies `source` to `<root>/<group>/<name of source>` and initialises it. */
export async function prepareCaller(env: CallerEnvironment, source: string, group: string): Promise<PreparedCaller> {
  const dir = path.join(env.root, group, path.basename(source));
  const text = fs
    .readdirSync(source)
    .filter((file) => file.endsWith('.tf'))
    .map((file) => fs.readFileSync(path.join(source, file), 'utf8'))
    .join('\n');
  if (!text.includes(`"${MODULE_SOURCE}"`)) {
    throw new Error(
      `${source} has no module with source = "${MODULE_SOURCE}"; callers must use the module by that path to be planned beside a synthesized one.`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(source, dir, { recursive: true, filter: (from) => from === source || !LOCAL_ONLY.test(path.basename(from)) });
  const tf = new TerraformWorkdir(dir, env.terraform, env.cliConfig, offlineAwsEnv(env.stsUrl));
  return { tf, init: await tf.init() };
}

/** The example folders of a checkout, each a root configuration with a `terraform.tfvars.example`. */
export function exampleDirs(projectRoot: string): string[] {
  const examples = path.join(projectRoot, 'examples');
  return fs
    .readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(examples, entry.name))
    .sort();
}

/** The tfvars an example is planned with: its own `terraform.tfvars.example`, as a user copies it to `terraform.tfvars`. */
export function exampleTfvars(exampleDir: string): string {
  const file = path.join(exampleDir, 'terraform.tfvars.example');
  if (!fs.existsSync(file)) throw new Error(`${exampleDir} has no terraform.tfvars.example; every example documents its inputs in one.`);
  return fs.readFileSync(file, 'utf8');
}
