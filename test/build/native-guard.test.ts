/**
 * Native addons compiled on the build machine crash on Lambda: the local build
 * refuses them, names the package and points at `--container`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BuildError } from '../../build/errors';
import { nativeEvidence } from '../../build/native-guard';
import { build } from '../../build/pipeline';
import { REPO_ROOT } from '../helpers/project';
import { makeTempDir, removeDir } from '../helpers/temp';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'build', 'native-addon');

describe('native-addon guard', () => {
  let outDir: string;
  beforeEach(() => {
    outDir = makeTempDir('native');
  });
  afterEach(() => removeDir(outDir));

  test.each([
    ['a package that requires its `.node` file directly', 'direct.js', 'fake-native-direct'],
    ['a package that loads its binary through a computed path', 'gyp.js', 'fake-native-gyp'],
  ])('rejects %s', async (_label, entry, pkg) => {
    const attempt = build({ root: FIXTURE, entry, outDir, architecture: 'arm64' });
    await expect(attempt).rejects.toBeInstanceOf(BuildError);
    await expect(attempt).rejects.toMatchObject({ code: 'NATIVE_ADDON' });
    await expect(attempt).rejects.toThrow(`Package \`${pkg}\` is a native addon`);
    await expect(attempt).rejects.toThrow('--container --arch arm64');
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  test('the message names the target architecture the user chose', async () => {
    const attempt = build({ root: FIXTURE, entry: 'direct.js', outDir, architecture: 'x86_64' });
    await expect(attempt).rejects.toThrow('x86_64');
  });

  test.each([
    ['fake-native-direct', 'ships `build/Release/addon.node`'],
    ['fake-native-gyp', 'has `binding.gyp`'],
  ])('%s is detected because it %s', (pkg, evidence) => {
    expect(nativeEvidence(path.join(FIXTURE, 'node_modules', pkg))).toBe(evidence);
  });

  test('a pure-JavaScript package is not flagged', () => {
    expect(nativeEvidence(path.join(REPO_ROOT, 'node_modules', 'fflate'))).toBeUndefined();
  });

  test.each([
    ['direct.js', 'fake-native-direct', 'build/Release/addon.node'],
    ['gyp.js', 'fake-native-gyp', 'prebuilds/linux-x64/fake.node'],
  ])('inside the Lambda image (%s) the package ships whole as node_modules beside the bundle', async (entry, pkg, binary) => {
    const result = await build({ root: FIXTURE, entry, outDir, nativeAddons: 'include' });
    expect(result.manifest.native_packages).toEqual([pkg]);
    expect(result.manifest.entries.map((e) => e.path)).toEqual(
      expect.arrayContaining(['index.mjs', `node_modules/${pkg}/index.js`, `node_modules/${pkg}/${binary}`]),
    );
  });
});
