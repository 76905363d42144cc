/** Stacks consume the build's manifest and refuse a zip that does not match it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadArtifact } from '../../src/stacks/artifact';
import { buildArtifact } from '../helpers/stack';
import { makeTempDir, removeDir } from '../helpers/temp';

describe('loadArtifact', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('artifact');
  });
  afterEach(() => removeDir(dir));

  test('returns the zip path and both hashes from a fresh build', async () => {
    const artifact = await buildArtifact(dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'function.manifest.json'), 'utf8'));
    expect(artifact).toEqual({
      zipPath: path.join(dir, 'function.zip'),
      sha256: manifest.sha256,
      sourceCodeHash: manifest.source_code_hash,
      handlers: { buffered: 'index.handler', streaming: 'index.streamHandler', breaker: 'index.breakerHandler', jobs: 'index.jobHandler' },
    });
  });

  test('a missing manifest says to run the build first', () => {
    expect(() => loadArtifact(path.join(dir, 'function.manifest.json'))).toThrow(/Run `npm run build` first, or `npm run synth`/);
  });

  test('a manifest that is not JSON says to rebuild', () => {
    fs.writeFileSync(path.join(dir, 'function.manifest.json'), '{ nope');
    expect(() => loadArtifact(path.join(dir, 'function.manifest.json'))).toThrow(/is not valid JSON\. Run `npm run build` again/);
  });

  test('a zip changed after the build is refused, naming both hashes', async () => {
    await buildArtifact(dir);
    fs.appendFileSync(path.join(dir, 'function.zip'), 'tampered');
    expect(() => loadArtifact(path.join(dir, 'function.manifest.json'))).toThrow(
      /has sha256 [0-9a-f]{64}, but its manifest says [0-9a-f]{64}: the zip changed after the build/,
    );
  });
});
