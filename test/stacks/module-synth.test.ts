/** The module folder is replaced whole or not at all. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MODULE_DIR, synthModule } from '../../src/stacks/module-synth';
import type { FunctionArtifact } from '../../src/stacks/artifact';

describe('synthModule', () => {
  let out: string;
  let zip: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'module-synth-'));
    zip = path.join(out, 'function.zip');
    fs.writeFileSync(zip, 'zip bytes');
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));
  const artifact = (zipPath: string): FunctionArtifact => ({
    zipPath,
    sha256: '0'.repeat(64),
    sourceCodeHash: 'AAAA',
    handlers: { buffered: 'index.handler', streaming: 'index.streamHandler', breaker: 'index.breakerHandler', jobs: 'index.jobHandler' },
  });

  test('writes cdk.tf.json and the zip into cdktf.out/modules/agent', () => {
    const dir = synthModule({ artifact: artifact(zip) }, out);
    expect(dir).toBe(path.join(out, MODULE_DIR));
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { resource: { aws_lambda_function: { agent: { filename: string } } } };
    const filename = json.resource.aws_lambda_function.agent.filename.replace('${path.module}/', '');
    expect(fs.readFileSync(path.join(dir, filename), 'utf8')).toBe('zip bytes');
  });

  test('a failed synth leaves the previous module as it was, and no staging folder', () => {
    const dir = synthModule({ artifact: artifact(zip) }, out);
    const before = fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8');
    expect(() => synthModule({ artifact: artifact(path.join(out, 'missing.zip')) }, out)).toThrow(/missing\.zip/);
    expect(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(out).filter((name) => name.startsWith('.module-'))).toEqual([]);
  });
});
