/**
 * Clean-room mode: the same pipeline, run inside the public Lambda Node.js 22
 * image through docker or podman. For pure-JS code it yields the same zip as
 * the local build; for native addons it is the only way to get a binary that
 * loads on Lambda.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { containerBuildFailed, containerEngineMissing } from './errors';
import { findOnPath } from './executables';
import type { Architecture } from './options';

/** Amazon's image for the `nodejs22.x` runtime. Pin a digest with `--image` for bit-for-bit clean rooms. */
export const LAMBDA_NODE_IMAGE = 'public.ecr.aws/lambda/nodejs:22';
export const CONTAINER_ENGINES = ['docker', 'podman'] as const;
const ENGINE_PROBE_TIMEOUT_MS = 15_000;

/**
 * Runs in the container: copy the read-only source (without host-built
 * node_modules, whose binaries are for the host), install from the lockfile
 * without install scripts, then run the install scripts of the packages the
 * function ships (its `dependencies`) so their native parts are compiled for
 * Lambda's platform; development tools (the runtime interface client the
 * tests use) need a compiler toolchain the image lacks and are not shipped.
 * Then the ordinary build CLI writes into /out.
 */
export const CONTAINER_SCRIPT = [
  'set -eu',
  `node -e "require('fs').cpSync('/src','/tmp/build',{recursive:true,filter:(p)=>!/^\\/src\\/(node_modules|dist|cdktf\\.out|\\.git)(\\/|$)/.test(p)})"`,
  'cd /tmp/build',
  'npm ci --no-audit --no-fund --loglevel=error --ignore-scripts',
  `node -e "const l=require('./package-lock.json');const n=Object.entries(l.packages).filter(([k,p])=>k&&p.hasInstallScript&&!p.dev).map(([k])=>k.split('node_modules/').pop());if(n.length)require('child_process').execFileSync('npm',['rebuild',...n],{stdio:'inherit'})"`,
  'node node_modules/tsx/dist/cli.mjs build/cli.ts --in-container --out-dir /out "$@"',
].join('\n');

export interface ContainerCommandInput {
  /** docker or podman (or a compatible CLI). */
  readonly engine: string;
  readonly root: string;
  readonly outDir: string;
  readonly architecture: Architecture;
  /** Extra flags passed to the build CLI inside the container. */
  readonly buildArgs?: readonly string[];
  /** @default LAMBDA_NODE_IMAGE */
  readonly image?: string;
  /** Host user that should own the output files. @default - the current process's uid:gid */
  readonly user?: string;
}

/** The exact argv of the container run, engine first. */
export function containerCommand(input: ContainerCommandInput): string[] {
  const platform = input.architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
  return [
    input.engine,
    'run',
    '--rm',
    '--platform',
    platform,
    '--user',
    input.user ?? currentUser(),
    '--env',
    'HOME=/tmp',
    '--env',
    'npm_config_cache=/tmp/.npm',
    '--volume',
    `${input.root}:/src:ro`,
    '--volume',
    `${input.outDir}:/out`,
    '--entrypoint',
    '/bin/sh',
    input.image ?? LAMBDA_NODE_IMAGE,
    '-c',
    CONTAINER_SCRIPT,
    'container-build',
    '--arch',
    input.architecture,
    ...(input.buildArgs ?? []),
  ];
}

/**
 * The engine to use: `CONTAINER_ENGINE` if set, else the first of docker and
 * podman that is on PATH and answers `info`. Throws a BuildError saying which
 * part is missing.
 */
export function detectEngine(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.CONTAINER_ENGINE ? [env.CONTAINER_ENGINE] : [...CONTAINER_ENGINES];
  const problems: string[] = [];
  for (const engine of candidates) {
    if (findOnPath(engine, env.PATH ?? '').length === 0) {
      problems.push(`\`${engine}\` is not on PATH`);
      continue;
    }
    const probe = spawnSync(engine, ['info'], { encoding: 'utf8', timeout: ENGINE_PROBE_TIMEOUT_MS, env });
    if (probe.status === 0) return engine;
    const reason = firstLine(probe.stderr) || (probe.error?.message ?? `exit code ${probe.status}`);
    problems.push(`\`${engine}\` is installed but its engine does not answer (\`${engine} info\`: ${reason})`);
  }
  throw containerEngineMissing(problems.join('; '));
}

export function runContainerBuild(input: Omit<ContainerCommandInput, 'engine'> & { env?: NodeJS.ProcessEnv }): void {
  const engine = detectEngine(input.env);
  fs.mkdirSync(input.outDir, { recursive: true });
  const [command, ...args] = containerCommand({ ...input, engine });
  const run = spawnSync(command, args, { stdio: 'inherit' });
  if (run.status !== 0) throw containerBuildFailed([command, ...args].map(shellQuote).join(' '), run.status);
}

function currentUser(): string {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return `${uid}:${gid}`;
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
