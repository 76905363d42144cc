/**
 * The synthesized JSON, stack and module, belongs to the source, not to the
 * machine: no absolute path of the host, and the same bytes from any checkout
 * path.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkoutRoot, copyCheckout, REPO_ROOT, runSynth } from '../helpers/project';
import { removeDir } from '../helpers/temp';

describe('portable synthesis', () => {
  let first: string;
  let second: string;
  let jsonA: string;
  let jsonB: string;
  let moduleA: string;
  let moduleB: string;

  beforeAll(() => {
    first = checkoutRoot('synth-a');
    second = path.join(checkoutRoot('synth-b'), 'nested', 'checkout');
    fs.mkdirSync(second, { recursive: true });
    for (const [root, mtime] of [
      [first, new Date('2010-01-01')],
      [second, new Date('2030-06-15')],
    ] as const) {
      copyCheckout(root, mtime);
      // The app builds the zip itself before it synthesizes.
      const synth = runSynth(root);
      if (synth.status !== 0) throw new Error(`synth failed in ${root}: ${synth.stderr}`);
    }
    jsonA = fs.readFileSync(path.join(first, 'cdktf.out', 'stacks', 'agent', 'cdk.tf.json'), 'utf8');
    jsonB = fs.readFileSync(path.join(second, 'cdktf.out', 'stacks', 'agent', 'cdk.tf.json'), 'utf8');
    moduleA = fs.readFileSync(path.join(first, 'cdktf.out', 'modules', 'agent', 'cdk.tf.json'), 'utf8');
    moduleB = fs.readFileSync(path.join(second, 'cdktf.out', 'modules', 'agent', 'cdk.tf.json'), 'utf8');
  }, 120_000);

  afterAll(() => {
    removeDir(first);
    removeDir(path.resolve(second, '..', '..'));
  });

  test('two checkouts at different paths synthesize identical cdk.tf.json, for the stack and the module', () => {
    expect(jsonB).toBe(jsonA);
    expect(moduleB).toBe(moduleA);
  });

  test('`cdktf synth` (the CLI behind `npm run synth`) writes the same cdk.tf.json as the app', () => {
    const cli = spawnSync(process.execPath, [require.resolve('cdktf-cli/bundle/bin/cdktf'), 'synth', '--output', 'cdktf-cli.out'], {
      cwd: first,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' },
      timeout: 120_000,
    });
    expect(cli.status).toBe(0);
    expect(fs.readFileSync(path.join(first, 'cdktf-cli.out', 'stacks', 'agent', 'cdk.tf.json'), 'utf8')).toBe(jsonA);
  });

  test('the zip lands beside cdk.tf.json, at the relative path the function names', () => {
    const fn = JSON.parse(jsonA).resource.aws_lambda_function.agent;
    expect(path.isAbsolute(fn.filename)).toBe(false);
    const zip = path.join(first, 'cdktf.out', 'stacks', 'agent', fn.filename);
    expect(fs.readFileSync(zip).equals(fs.readFileSync(path.join(first, 'dist', 'function.zip')))).toBe(true);
  });

  test("the module's zip is inside the module folder, named through path.module", () => {
    const fn = JSON.parse(moduleA).resource.aws_lambda_function.agent;
    expect(fn.filename).toMatch(/^\$\{path\.module\}\/assets\//);
    const zip = path.join(first, 'cdktf.out', 'modules', 'agent', fn.filename.replace('${path.module}/', ''));
    expect(fs.readFileSync(zip).equals(fs.readFileSync(path.join(first, 'dist', 'function.zip')))).toBe(true);
  });

  test.each([
    ['the checkout path', () => first],
    ['the repository path', () => REPO_ROOT],
    ['the temp folder', () => os.tmpdir()],
    ['the home folder', () => os.homedir()],
  ])('the JSON holds no absolute path: %s', (_label, hostPath) => {
    expect(jsonA).not.toContain(hostPath());
    expect(moduleA).not.toContain(hostPath());
  });
});
