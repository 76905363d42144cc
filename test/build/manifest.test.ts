/**
 * The manifest beside the zip tells the truth about it, checked by tools that
 * share no code with the build: Terraform's own filebase64sha256(), and Node's
 * loader on the unpacked zip.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { build, type BuildResult } from '../../build/pipeline';
import { REPO_ROOT } from '../helpers/project';
import { makeTempDir, removeDir } from '../helpers/temp';
import { requireTerraform } from '../../src/terraform/terraform';

describe('build manifest', () => {
  let outDir: string;
  let result: BuildResult;

  beforeAll(async () => {
    outDir = makeTempDir('manifest');
    result = await build({ root: REPO_ROOT, outDir });
  });
  afterAll(() => removeDir(outDir));

  test("source_code_hash equals Terraform's filebase64sha256 of the zip", () => {
    const terraform = requireTerraform();
    const console = spawnSync(terraform, ['console'], {
      cwd: outDir,
      input: 'filebase64sha256("function.zip")\n',
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    expect(console.stderr).toBe('');
    expect(console.stdout.trim()).toBe(JSON.stringify(result.manifest.source_code_hash));
  });

  test('sha256 is the hex digest sha256sum prints for the zip', () => {
    const sha256sum = spawnSync('sha256sum', ['function.zip'], { cwd: outDir, encoding: 'utf8' });
    expect(sha256sum.status).toBe(0);
    expect(sha256sum.stdout.split(/\s+/)[0]).toBe(result.manifest.sha256);
  });

  test('the manifest file on disk is the one the build returned', () => {
    const onDisk = JSON.parse(fs.readFileSync(path.join(outDir, 'function.manifest.json'), 'utf8'));
    expect(onDisk).toEqual(result.manifest);
    expect(onDisk.size_bytes).toBe(fs.statSync(path.join(outDir, 'function.zip')).size);
  });

  test('the entry list names exactly the files in the zip, with their sizes', () => {
    const files = unzipSync(fs.readFileSync(path.join(outDir, 'function.zip')));
    const listed = Object.entries(files).map(([p, data]) => ({ path: p, size: data.byteLength }));
    expect(result.manifest.entries.map(({ path: p, size }) => ({ path: p, size }))).toEqual(listed.sort((a, b) => (a.path < b.path ? -1 : 1)));
    // What init loads: the entry and the chunks it imports statically, found again here from the files themselves.
    const staticImports = (file: string): string[] =>
      [...new TextDecoder().decode(files[file]).matchAll(/(?:^|[;}\s])import\s*(?:[\w*{},\s$]+from\s*)?["'](\.\.?\/[^"']+)["']/g)].map(([, spec]) =>
        path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)),
      );
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      staticImports(file).forEach(visit);
    };
    visit('index.mjs');
    expect(result.manifest.entries.filter((e) => e.init).map((e) => e.path)).toEqual([...loaded].sort());
  });

  test('it records the esbuild version and the nodejs22.x target', () => {
    const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
    expect(result.manifest.esbuild_version).toBe(esbuildVersion);
    expect(result.manifest.target).toBe('node22');
  });

  test('the unpacked handler module loads in a plain node process and exports handler', () => {
    // Given the zip unpacked into an empty folder, away from any node_modules
    const unpacked = makeTempDir('unpacked');
    try {
      for (const [name, data] of Object.entries(unzipSync(fs.readFileSync(result.zipPath)))) {
        fs.mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
        fs.writeFileSync(path.join(unpacked, name), data);
      }
      // When a fresh node process requires it
      const probe = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', 'const m = await import("./index.mjs"); process.stdout.write(typeof m.handler)'],
        { cwd: unpacked, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
      );
      // Then handler is a function
      expect(probe.stderr).toBe('');
      expect(probe.stdout).toBe('function');
    } finally {
      removeDir(unpacked);
    }
  });

  test('hashes are computed over the exact bytes written', () => {
    const bytes = fs.readFileSync(result.zipPath);
    expect(createHash('sha256').update(bytes).digest('base64')).toBe(result.manifest.source_code_hash);
  });
});
