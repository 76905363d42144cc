/**
 * Code only some deployments need sits in lazily imported chunks: loading
 * the handler for the default path does not load (or parse) the Bedrock SDK,
 * the DynamoDB client (sessions and budgets), the Lambda client (kill
 * switch), the SQS and EventBridge clients (jobs), jose (JWT sign-in), the
 * output_schema engine, the Secrets Manager signer, Bedrock's credential
 * providers, the jobs worker's code or the MCP client. The manifest marks what init loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS } from '../../src/function/settings/table';
import type { Setting } from '../../src/function/settings/types';
import { build, type BuildResult } from '../../build/pipeline';
import { unpackZip } from '../../build/zip';
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

  /** The metafile's outputs that init loads: the manifest's entries marked `init`. */
  function staticClosure(): Set<string> {
    const atInit = new Set(result.manifest.entries.filter((e) => e.init).map((e) => e.path));
    return new Set(
      Object.keys(result.metafile.outputs).filter((out) => atInit.has(path.relative(outDir, path.resolve(REPO_ROOT, out)).split(path.sep).join('/'))),
    );
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
    // The key's read (its signer) and Bedrock's credentials load with their provider; the worker's code with the worker.
    '@smithy/signature-v4',
    '@aws-sdk/credential-provider',
    'src/function/jobs/worker.ts',
    'src/function/breaker/handler.ts',
    // MCP servers' tools: the SDK and the code around it load on first use, only where mcp_servers names a server.
    '@modelcontextprotocol/sdk',
    '@aws-sdk/client-bedrock-agent-runtime',
    'src/function/tools/mcp/index.ts',
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

  test("the settings' descriptions stay out of the zip, and the texts of the function's messages stay in", () => {
    const unpacked = path.join(outDir, 'unpacked');
    unpackZip(fs.readFileSync(result.zipPath), unpacked);
    const code = result.manifest.entries.map((e) => fs.readFileSync(path.join(unpacked, e.path), 'utf8')).join('\n');
    // A run of plain words from each text: the minifier may re-escape quotes, never words.
    const words = (text: string) => /[A-Za-z][A-Za-z ,]{24,}/.exec(text)?.[0] ?? text;
    const settings: Setting[] = Object.values(SETTINGS);
    expect(settings.filter((s) => code.includes(words(s.description))).map((s) => s.description)).toEqual([]);
    expect(code).toContain(words(SETTINGS.MCP_SERVERS.urlPattern.expected));
    expect(code).toContain(words(SETTINGS.KNOWLEDGE_BASE_IDS.itemPattern.expected));
  });

  test('the zip stays within its budget, and the code every cold start loads within its own', () => {
    expect(result.sizeWarning).toBeUndefined();
    expect(result.initWarning).toBeUndefined();
    expect(result.manifest.init_bytes).toBe(result.manifest.entries.filter((e) => e.init).reduce((sum, e) => sum + e.size, 0));
    expect(result.manifest.entries.find((e) => e.path === 'index.mjs')?.init).toBe(true);
  });
});
