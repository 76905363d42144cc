/**
 * `npm run dev` stops with everything it started: a SIGTERM to npm (what a
 * process manager or an IDE sends) leaves no dev server, tsx or runtime
 * client behind. Linux: the processes are found by a marker in their
 * environment under /proc.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { REPO_ROOT } from '../helpers/project';

/** Pids whose environment holds `marker` (every descendant inherits it). */
function pidsWith(marker: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
      } catch {
        return false; // ended meanwhile, or not ours to read
      }
    })
    .map(Number);
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('SIGTERM to `npm run dev` stops the server and every process it started', async () => {
  const marker = `DEV_SIGNAL_TEST=${randomUUID()}`;
  const [name, value] = marker.split('=');
  const npm = spawn('npm', ['run', 'dev', '--', '--port', '0', '--no-watch'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LLM_PROVIDER: 'anthropic', [name]: value },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await until('the dev server to listen', () => /dev server listening on (http:\/\/127\.0\.0\.1:\d+)/.test(output), 60_000);
    const url = /dev server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
    expect((await fetch(`${url}/health`)).status).toBe(200); // starts a runtime client process too
    expect(pidsWith(marker).length).toBeGreaterThanOrEqual(3); // npm, tsx, the server, the runtime client

    npm.kill('SIGTERM');
    await until('every process of the dev server to end', () => pidsWith(marker).length === 0, 15_000).catch((error: Error) => {
      const left = pidsWith(marker).map((pid) => `${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').slice(0, 120)}`);
      throw new Error(`${error.message}; still running:\n${left.join('\n')}\n${output.slice(-1000)}`);
    });
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  } finally {
    for (const pid of pidsWith(marker)) process.kill(pid, 'SIGKILL');
  }
}, 90_000);
