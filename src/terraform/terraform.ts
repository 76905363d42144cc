/**
 * Real Terraform, offline, for `npm run check` and the tests: finds the
 * `terraform` binary and a local filesystem mirror of hashicorp/aws, and runs
 * init / validate / plan / show. Missing tools fail loudly, naming what is
 * missing. A mirror found by searching the disk is remembered under
 * node_modules/.cache, so the search (seconds) happens once per checkout.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goRuntimeEnv } from './go-runtime';
import { SharedProvider } from './shared-provider';

/** Version the provider bindings were generated for; the mirror must hold it. */
export const AWS_PROVIDER_VERSION = '5.100.0';
const REGISTRY_SEGMENT = `${path.sep}registry.terraform.io${path.sep}`;

export function requireTerraform(): string {
  const binary = process.env.TERRAFORM_BIN ?? 'terraform';
  const probe = spawnSync(binary, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
  if (probe.status !== 0) {
    throw new Error(
      `This test needs the \`terraform\` CLI, but \`${binary} version\` failed ` +
        `(${probe.error?.message ?? probe.stderr.trim()}). Install Terraform >= 1.9 or set TERRAFORM_BIN.`,
    );
  }
  return binary;
}

/**
 * Root of a filesystem mirror holding hashicorp/aws: `TF_PROVIDER_MIRROR` if
 * set, else Terraform's implied local mirror folders, else a search of the
 * local disk for `terraform-provider-aws_*`.
 */
export function locateAwsProviderMirror(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TF_PROVIDER_MIRROR) {
    if (!hasAwsProvider(env.TF_PROVIDER_MIRROR)) {
      throw new Error(
        `TF_PROVIDER_MIRROR is "${env.TF_PROVIDER_MIRROR}", but it holds no registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}. Point it at the folder that contains registry.terraform.io/.`,
      );
    }
    return env.TF_PROVIDER_MIRROR;
  }
  const home = os.homedir();
  const implied = [
    path.join(home, '.terraform.d', 'plugins'),
    path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  const hit = implied.find(hasAwsProvider);
  if (hit) return hit;
  const remembered = readRememberedMirror();
  if (remembered && hasAwsProvider(remembered)) return remembered;
  const found = spawnSync(
    'find',
    ['/', '-xdev', '-name', 'terraform-provider-aws_*', '-path', `*registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}*`],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const first = found.stdout.split('\n').find((line) => line.includes(REGISTRY_SEGMENT));
  if (!first) {
    throw new Error(
      `No filesystem mirror of hashicorp/aws ${AWS_PROVIDER_VERSION} was found (looked in ${implied.join(', ')} and searched the disk). ` +
        'These tests plan offline: set TF_PROVIDER_MIRROR to a folder holding registry.terraform.io/hashicorp/aws/<version>/<os_arch>/.',
    );
  }
  const mirror = first.slice(0, first.indexOf(REGISTRY_SEGMENT));
  rememberMirror(mirror);
  return mirror;
}

const MIRROR_CACHE = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'claude-agent-lambda', 'provider-mirror.json');

function readRememberedMirror(): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(MIRROR_CACHE, 'utf8')) as { path?: string }).path;
  } catch {
    return undefined;
  }
}

function rememberMirror(mirror: string): void {
  try {
    fs.mkdirSync(path.dirname(MIRROR_CACHE), { recursive: true });
    fs.writeFileSync(MIRROR_CACHE, `${JSON.stringify({ path: mirror })}\n`);
  } catch {
    // Only costs the next run another search.
  }
}

function hasAwsProvider(root: string): boolean {
  return fs.existsSync(path.join(root, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION));
}

/** A CLI config that installs hashicorp/aws from the mirror and nothing from the network. */
export function writeCliConfig(file: string, mirror: string): void {
  fs.writeFileSync(
    file,
    [
      'provider_installation {',
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
      '}',
      '',
    ].join('\n'),
  );
}

export interface TfRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment under which the AWS provider plans offline, whatever the
 * configuration says: dummy static credentials, STS at the local server
 * (`AWS_ENDPOINT_URL_STS`, which hashicorp/aws honours like the AWS SDKs),
 * no instance metadata, and none of the caller's own AWS settings (profile,
 * session token, endpoints) that could reach a real account.
 */
export function offlineAwsEnv(stsUrl: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...kept,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_STS: stsUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** One Terraform configuration folder, driven by the real CLI. */
export class TerraformWorkdir {
  private sharing = false;
  private provider: Promise<SharedProvider | undefined> | undefined;

  /** @param env the environment Terraform runs in (default: this process's) */
  constructor(
    readonly dir: string,
    private readonly binary: string,
    private readonly cliConfig: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * Lets the plans of this folder share one provider process where that
   * cannot change them (shared-provider.ts); started on the first plan,
   * stopped by `close()`. Should it fail to start, each plan starts its own,
   * as without sharing.
   */
  shareProvider(): this {
    this.sharing = true;
    return this;
  }

  /** Stops the shared provider, if one runs. */
  async close(): Promise<void> {
    const provider = await this.provider;
    this.provider = undefined;
    await provider?.stop();
  }

  /** Runs `terraform <args>`; `input` is written to its stdin (for `terraform console`). */
  run(args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<TfRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, [...args], {
        cwd: this.dir,
        env: { ...goRuntimeEnv(this.env), ...extraEnv, TF_CLI_CONFIG_FILE: this.cliConfig, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }

  /** Initialises the folder; returns the run, whose output callers may inspect for warnings. */
  async init(): Promise<TfRun> {
    const run = await this.run(['init', '-input=false', '-no-color']);
    if (run.status !== 0) throw new Error(`terraform init failed in ${this.dir}:\n${run.stderr}${run.stdout}`);
    return run;
  }

  /** Plans with `tfvars` (written to a file) and returns `terraform show -json` of the plan, or the failure. */
  async plan(name: string, tfvars: string): Promise<{ run: TfRun; plan?: PlanJson }> {
    const varFile = path.join(this.dir, `${name}.tfvars`);
    const planFile = path.join(this.dir, `${name}.tfplan`);
    fs.writeFileSync(varFile, tfvars);
    if (this.sharing) this.provider ??= SharedProvider.start(this.dir, this.env).catch(() => undefined);
    const provider = await this.provider;
    const shared: NodeJS.ProcessEnv = provider?.admits(tfvars) ? { TF_REATTACH_PROVIDERS: provider.reattach } : {};
    const run = await this.run(['plan', '-input=false', '-no-color', '-lock=false', `-var-file=${varFile}`, `-out=${planFile}`], undefined, shared);
    if (run.status !== 0) return { run };
    const show = await this.run(['show', '-json', planFile], undefined, shared);
    if (show.status !== 0) throw new Error(`terraform show failed:\n${show.stderr}`);
    return { run, plan: JSON.parse(show.stdout) as PlanJson };
  }
}

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
}

/** A module in `planned_values`: its own resources and its child modules. */
export interface PlannedModule {
  /** Absent for the root module, e.g. `module.agent["eu"]` for a child. */
  readonly address?: string;
  readonly resources?: PlannedResource[];
  readonly child_modules?: PlannedModule[];
}

export interface PlanJson {
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly resource_changes?: ReadonlyArray<{ address: string; type: string; change: { after_unknown?: Record<string, unknown> } }>;
  readonly planned_values: {
    readonly outputs?: Record<string, { value?: unknown }>;
    readonly root_module: PlannedModule;
  };
}
