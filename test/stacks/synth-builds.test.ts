/**
 * The CDKTF app builds the zip it synthesizes: an edit made after the last
 * `npm run build` is what `cdktf synth` ships, and a type error in the
 * handler stops synth with the file and line. Runs in a copy of the checkout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkoutRoot, copyCheckout, runBuildCli, runSynth } from '../helpers/project';
import { removeDir } from '../helpers/temp';

describe('synth builds what it synthesizes', () => {
  let root: string;
  const versionFile = () => path.join(root, 'src', 'function', 'version.ts');
  const synthesizedHash = () =>
    JSON.parse(fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', 'agent', 'cdk.tf.json'), 'utf8')).resource.aws_lambda_function.agent
      .source_code_hash as string;
  const manifestHash = () => JSON.parse(fs.readFileSync(path.join(root, 'dist', 'function.manifest.json'), 'utf8')).source_code_hash as string;

  beforeAll(() => {
    root = checkoutRoot('synth-builds');
    copyCheckout(root, new Date());
  });
  afterAll(() => removeDir(root));

  test('an edit after the last build is what synth ships, with no build in between', () => {
    // Given a build of the current source
    expect(runBuildCli(root, []).status).toBe(0);
    const built = manifestHash();
    // When the handler changes and synth runs without `npm run build`
    fs.writeFileSync(versionFile(), "/** Version reported by `GET /health`. */\nexport const VERSION = '9.9.9-edited';\n");
    const synth = runSynth(root);
    // Then the stack carries a new zip, the one of the edited source
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(synthesizedHash()).not.toBe(built);
    expect(synthesizedHash()).toBe(manifestHash());
    // And the passing type check is remembered for the sources as they are
    expect(fs.existsSync(path.join(root, 'node_modules', '.cache', 'claude-agent-lambda', 'typecheck.json'))).toBe(true);
  });

  test('a type error in src/function stops synth, naming the file and line, even after a passing check was remembered', () => {
    fs.writeFileSync(versionFile(), "export const VERSION: number = '1.0.0';\n");
    const before = fs.readFileSync(path.join(root, 'dist', 'function.zip'));
    const synth = runSynth(root);
    expect(synth.status).toBe(1);
    expect(synth.stderr).toMatch(/error \[TYPE_ERROR\]: The handler has \d+ type errors?[\s\S]*src\/function\/version\.ts\(1,14\): error TS2322/);
    // Nothing was replaced: the previous zip is still the one in dist/
    expect(fs.readFileSync(path.join(root, 'dist', 'function.zip')).equals(before)).toBe(true);
  });
});
