/**
 * Helpers that run the real build CLI in a child process, optionally from a
 * fresh copy of the checkout, the way a user (or CI) would.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TSX_CLI = require.resolve('tsx/cli');
/** What a checkout needs for `npm run build`; node_modules is linked, not copied. */
const CHECKOUT_PARTS = ['build', 'src', 'main.ts', 'cdktf.json', 'package.json', 'package-lock.json', 'tsconfig.json'];

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `build/cli.ts` of `root` with `args`, under a shell so umask applies. */
export function runBuildCli(root: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; umask?: string } = {}): CliRun {
  const command = [`umask ${options.umask ?? '0022'}`, `exec "${process.execPath}" "${TSX_CLI}" build/cli.ts ${args.map((a) => `'${a}'`).join(' ')}`].join(
    ' && ',
  );
  const run = spawnSync('/bin/sh', ['-c', command], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Copies the parts of the checkout the build reads into `dest` and gives every
 * copied file the mtime `mtime`. node_modules is reproduced inside `dest` with
 * hard links (a fresh `npm ci` would put real files there too; a symlink
 * would make esbuild see paths outside the checkout). `dest` must be on the
 * same filesystem as the repository: see checkoutRoot().
 */
export function copyCheckout(dest: string, mtime: Date): void {
  for (const part of CHECKOUT_PARTS) {
    const from = path.join(REPO_ROOT, part);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, part), { recursive: true });
  }
  touchAll(dest, mtime);
  linkTree(path.join(REPO_ROOT, 'node_modules'), path.join(dest, 'node_modules'));
}

/**
 * A fresh folder for a checkout copy: under the system temp folder when it
 * shares a filesystem with the repository (hard links work), else under the
 * repository's own git-ignored `.tmp/`.
 */
export function checkoutRoot(prefix: string): string {
  const probe = path.join(os.tmpdir(), `agent-link-probe-${process.pid}`);
  let base = os.tmpdir();
  try {
    fs.linkSync(path.join(REPO_ROOT, 'package.json'), probe);
    fs.rmSync(probe);
  } catch {
    base = path.join(REPO_ROOT, '.tmp');
    fs.mkdirSync(base, { recursive: true });
  }
  return fs.mkdtempSync(path.join(base, `agent-${prefix}-`));
}

function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else fs.linkSync(source, target);
  }
}

function touchAll(dir: string, mtime: Date): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) touchAll(full, mtime);
    fs.utimesSync(full, mtime, mtime);
  }
}

/** Runs `main.ts` (the CDKTF app) in `root`, as `cdktf synth` would. */
export function runSynth(root: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const run = spawnSync(process.execPath, [TSX_CLI, 'main.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
