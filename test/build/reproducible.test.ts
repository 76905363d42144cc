/**
 * The zip's bytes, and so Terraform's source_code_hash, depend on the source
 * alone: not on where the checkout lives, file times, umask or time zone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkoutRoot, copyCheckout, runBuildCli } from '../helpers/project';
import { removeDir } from '../helpers/temp';

describe('reproducible build', () => {
  let first: string;
  let second: string;

  beforeAll(() => {
    first = checkoutRoot('checkout-a');
    // A deeper, differently named path: nothing about it may reach the zip.
    second = path.join(checkoutRoot('checkout-b'), 'some', 'other place');
    fs.mkdirSync(second, { recursive: true });
    copyCheckout(first, new Date('2001-02-03T04:05:06Z'));
    copyCheckout(second, new Date('2031-12-30T23:59:58Z'));
  });

  afterAll(() => {
    removeDir(first);
    removeDir(path.resolve(second, '..', '..'));
  });

  test('two checkouts with different paths, mtimes, umask and TZ build identical zip bytes', () => {
    // Given two copies of the same source that differ in everything but content
    // When each is built with its own umask and time zone
    const a = runBuildCli(first, [], { umask: '0022', env: { TZ: 'UTC' } });
    const b = runBuildCli(second, [], { umask: '0002', env: { TZ: 'Pacific/Chatham' } });
    // Then both builds succeed and the zips are byte-for-byte equal
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.status, b.status]).toEqual([0, 0]);
    const zipA = fs.readFileSync(path.join(first, 'dist', 'function.zip'));
    const zipB = fs.readFileSync(path.join(second, 'dist', 'function.zip'));
    expect(zipA.length).toBeGreaterThan(0);
    expect(zipB.equals(zipA)).toBe(true);
    // And so are the manifests, which carry nothing host-dependent
    expect(fs.readFileSync(path.join(second, 'dist', 'function.manifest.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(first, 'dist', 'function.manifest.json'), 'utf8'),
    );
  });

  test('a one-character change to the handler changes the hash', () => {
    // Given the first checkout built once (by the test above, or here when run alone)
    if (!fs.existsSync(path.join(first, 'dist', 'function.manifest.json'))) expect(runBuildCli(first, []).status).toBe(0);
    const hashBefore = manifestOf(first).source_code_hash;
    // When one character of the handler's source changes
    const handler = path.join(first, 'src', 'function', 'version.ts');
    const source = fs.readFileSync(handler, 'utf8');
    fs.writeFileSync(
      handler,
      source.replace(/'(\d+)\.(\d+)\.(\d+)'/, (_m, a, b, c) => `'${a}.${b}.${c === '9' ? '8' : '9'}'`),
    );
    expect(fs.readFileSync(handler, 'utf8')).not.toBe(source);
    const after = runBuildCli(first, []);
    // Then the hash differs
    expect(after.status).toBe(0);
    expect(manifestOf(first).source_code_hash).not.toBe(hashBefore);
    fs.writeFileSync(handler, source);
  });
});

function manifestOf(root: string): { source_code_hash: string } {
  return JSON.parse(fs.readFileSync(path.join(root, 'dist', 'function.manifest.json'), 'utf8'));
}
