/**
 * A headless Chromium for the page tests, from the npm registry alone:
 * @sparticuz/chromium ships the browser inside its package (brotli) and
 * unpacks it on first use; puppeteer-core drives it. Nothing is downloaded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Where the binary is unpacked: one folder per package version, because the
 * package reuses whatever binary it finds at `<tmpdir>/chromium`.
 */
function unpackDir(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return path.join(os.tmpdir(), `agent-test-chromium-${version}`);
}

async function executablePath(): Promise<string> {
  const dir = unpackDir();
  fs.mkdirSync(dir, { recursive: true });
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir; // read by os.tmpdir() inside the package, for this call only
  try {
    // The package is an ES module with a CommonJS build; a dynamic import reaches either.
    const { default: chromium } = await import('@sparticuz/chromium');
    return await chromium.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

export async function launchBrowser(): Promise<Browser> {
  let binary: string;
  try {
    binary = await executablePath();
  } catch (error) {
    throw new Error(`Cannot unpack the Chromium of @sparticuz/chromium (run npm ci): ${error instanceof Error ? error.message : String(error)}`);
  }
  return puppeteer.launch({
    executablePath: binary,
    headless: 'shell',
    // Over a pipe, the browser ends with this process even if it is killed.
    pipe: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. No network beyond loopback is used.
    args: ['--no-sandbox', '--disable-gpu', '--no-zygote', '--disable-component-update'],
  });
}
