/**
 * Code only some deployments need sits in lazily imported chunks: loading
 * the handler for the default path does not load (or parse) the Bedrock SDK,
 * the DynamoDB client (sessions and budgets), the Lambda client (kill
 * switch), the SQS and EventBridge clients (jobs), jose (JWT sign-in) or the
 * output_schema engine.
 */
import * as path from 'node:path';
import { build, type BuildResult } from '../../build/pipeline';
import { REPO_ROOT } from '../helpers/project';
import { makeTempDir, removeDir } from '../helpers/temp';

describe('lazy chunks', () => {
  let outDir: string;
  let result: BuildResult;
  beforeAll(async () => {
    outDir = makeTempDir('chunks');
    result = await build({ root: REPO_ROOT, outDir });
  });
  afterAll(() => removeDir(outDir));

  /** Files reachable from index.mjs through static imports only. */
  function staticClosure(): Set<string> {
    const outputs = result.metafile.outputs;
    const byName = (p: string) => Object.keys(outputs).find((k) => path.resolve(REPO_ROOT, k) === path.resolve(REPO_ROOT, p)) ?? p;
    const entry = Object.keys(outputs).find((k) => k.endsWith('index.mjs'))!;
    const seen = new Set<string>([entry]);
    const queue = [entry];
    while (queue.length > 0) {
      for (const imported of outputs[queue.shift()!].imports) {
        if (imported.kind !== 'import-statement' || imported.external) continue;
        const name = byName(imported.path);
        if (!seen.has(name)) {
          seen.add(name);
          queue.push(name);
        }
      }
    }
    return seen;
  }

  test.each([
    '@anthropic-ai/bedrock-sdk',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/client-lambda',
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-eventbridge',
    'node_modules/ajv/',
    'node_modules/re2js/',
    'node_modules/jose/',
  ])('no statically imported output contains %s', (pkg) => {
    const closure = staticClosure();
    const containing = [...closure].filter((out) => Object.keys(result.metafile.outputs[out].inputs).some((i) => i.includes(pkg)));
    expect(closure.size).toBeGreaterThan(1);
    expect(containing).toEqual([]);
    // ... and it is in the zip all the same.
    expect(Object.values(result.metafile.outputs).some((o) => Object.keys(o.inputs).some((i) => i.includes(pkg)))).toBe(true);
  });

  test('the Bedrock SDK is in the zip, in a chunk of its own', () => {
    const bedrock = Object.entries(result.metafile.outputs).filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes('@anthropic-ai/bedrock-sdk')));
    expect(bedrock).toHaveLength(1);
    expect(bedrock[0][0]).toMatch(/chunks\/.*\.mjs$/);
  });

  test('the zip stays within the 500 KiB budget', () => {
    expect(result.sizeWarning).toBeUndefined();
  });
});
