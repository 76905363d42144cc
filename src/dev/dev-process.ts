/**
 * Runs `npm run dev` (the real CLI) as a child process on a free port, and
 * stops it: for `npm run load`'s own dev server, and for the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface RunningDevServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

const TSX_CLI = require.resolve('tsx/cli');
const READY = /dev server listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts the CLI of the checkout at `cwd` with `--port 0`, and `--no-watch` unless `watch` is set. */
export function startDevCli(args: readonly string[], env: Record<string, string>, options: { cwd?: string; watch?: boolean } = {}): Promise<RunningDevServer> {
  const child: ChildProcess = spawn(process.execPath, [TSX_CLI, 'src/dev/cli.ts', '--port', '0', ...(options.watch ? [] : ['--no-watch']), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`dev server did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev server exited with ${code}:\n${output}`));
    });
  });
}
