/** The handler as deployed: the built zip, unpacked and imported as an ES module. */
import * as path from 'node:path';
import { build } from '../build/pipeline';
import { loadHandlersFromZip, type LoadedHandlers } from '../src/dev/handler-loader';

export async function loadBuiltHandler(dir: string): Promise<LoadedHandlers> {
  const { zipPath, manifest } = await build({ root: path.resolve(__dirname, '..'), outDir: dir });
  return loadHandlersFromZip(zipPath, manifest.sha256, path.join(dir, 'unpacked'));
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
