/**
 * One AWS provider process shared by many offline plans of one folder.
 * Terraform starts the provider for every command (plan, then show), and
 * the provider's start and schema are most of a plan's cost; a provider run
 * with `-debug` takes connections from every Terraform that is given its
 * TF_REATTACH_PROVIDERS. Measured on the check matrix (12 plans at once):
 * 73 CPU-s without, 45 with, plans identical.
 *
 * The provider keeps one configuration for all its clients, so it is shared
 * only by plans that leave its configuration alone: a folder with a single
 * aws provider block, and tfvars that set none of the variables that block
 * reads (region, default tags). Every other plan starts its own provider.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goRuntimeEnv } from './go-runtime';

/** Longest wait for the provider to say where it listens. @unit ms */
const START_TIMEOUT_MS = 30_000;
/** The provider's own logs are off: in -debug mode it writes megabytes per plan. */
const QUIET: NodeJS.ProcessEnv = {
  TF_LOG_PROVIDER: 'off',
  TF_LOG_SDK: 'off',
  TF_LOG_SDK_PROTO: 'off',
  TF_LOG_SDK_MUX: 'off',
  TF_LOG_SDK_HELPER_SCHEMA: 'off',
  TF_LOG_SDK_FRAMEWORK: 'off',
};

export class SharedProvider {
  private constructor(
    private readonly child: ChildProcess,
    /** The value of TF_REATTACH_PROVIDERS for Terraform. */
    readonly reattach: string,
    /** Variables the folder's provider block reads: a plan that sets one must not share. */
    readonly configuredBy: ReadonlySet<string>,
  ) {}

  /**
   * Starts the provider `terraform init` installed in `dir`, or returns
   * undefined when the folder cannot share one (no single aws provider block
   * in its cdk.tf.json, or no installed provider binary).
   */
  static async start(dir: string, env: NodeJS.ProcessEnv): Promise<SharedProvider | undefined> {
    const configuredBy = providerVariables(dir);
    const binary = installedProvider(dir);
    if (!configuredBy || !binary) return undefined;
    // stderr ignored: an unread pipe would fill up and stall the provider.
    const child = spawn(binary, ['-debug'], { env: { ...goRuntimeEnv(env), ...QUIET }, stdio: ['ignore', 'pipe', 'ignore'] });
    const stop = () => child.kill('SIGINT');
    process.once('exit', stop);
    child.once('exit', () => process.removeListener('exit', stop));
    const reattach = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`The shared AWS provider did not start within ${START_TIMEOUT_MS} ms.`)), START_TIMEOUT_MS);
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`The shared AWS provider exited (${signal ?? `code ${code}`}) before it listened.`)));
      // Read to the end: stdout must keep draining.
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /TF_REATTACH_PROVIDERS='(.*)'/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    return new SharedProvider(child, reattach, configuredBy);
  }

  /** Whether a plan with `tfvars` may use this provider: it sets none of the provider block's variables. */
  admits(tfvars: string): boolean {
    return ![...this.configuredBy].some((name) => new RegExp(`^\\s*${name}\\s*=`, 'm').test(tfvars));
  }

  /** Stops the provider (SIGINT: it removes its socket) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The variables the only aws provider block of `dir`'s cdk.tf.json reads, or undefined when there is not exactly one. */
function providerVariables(dir: string): Set<string> | undefined {
  const file = path.join(dir, 'cdk.tf.json');
  if (!fs.existsSync(file)) return undefined;
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { provider?: { aws?: unknown[] } };
  const blocks = config.provider?.aws;
  if (!Array.isArray(blocks) || blocks.length !== 1) return undefined;
  return new Set([...JSON.stringify(blocks[0]).matchAll(/var\.([A-Za-z0-9_-]+)/g)].map((match) => match[1]));
}

/** The aws provider binary `terraform init` put under `dir`/.terraform. */
function installedProvider(dir: string): string | undefined {
  const root = path.join(dir, '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws');
  if (!fs.existsSync(root)) return undefined;
  for (const version of fs.readdirSync(root)) {
    for (const platform of fs.readdirSync(path.join(root, version))) {
      const folder = path.join(root, version, platform);
      const binary = fs.readdirSync(folder).find((name) => name.startsWith('terraform-provider-aws'));
      if (binary) return path.join(folder, binary);
    }
  }
  return undefined;
}
