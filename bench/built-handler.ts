/** The handler as deployed: the built zip, unpacked and imported as an ES module. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { build } from '../build/pipeline';
import { installAwslambdaGlobal } from '../src/dev/lambda-runtime';

export type HandlerModule = typeof import('../src/function/index');

export async function loadBuiltHandler(dir: string): Promise<HandlerModule> {
  const { zipPath } = await build({ root: path.resolve(__dirname, '..'), outDir: dir });
  for (const [name, data] of Object.entries(unzipSync(fs.readFileSync(zipPath)))) {
    fs.mkdirSync(path.dirname(path.join(dir, 'unpacked', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'unpacked', name), data);
  }
  installAwslambdaGlobal();
  // A real dynamic import (tsx would otherwise turn it into require).
  const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<HandlerModule>;
  return importModule(pathToFileURL(path.join(dir, 'unpacked', 'index.mjs')).href);
}

/** Hides the bundle's JSON log lines from the report while `fn` runs. */
export async function withQuietLogs<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (String(chunk).startsWith('{"level"') ? true : write(chunk, ...rest))) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

export function functionUrlEvent(input: string) {
  return {
    version: '2.0', rawPath: '/agent', rawQueryString: '', headers: { 'content-type': 'application/json' },
    requestContext: { requestId: 'bench', http: { method: 'POST', path: '/agent', sourceIp: '127.0.0.1' } },
    body: JSON.stringify({ input }), isBase64Encoded: false,
  };
}

export const benchContext = () => ({ awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 });
