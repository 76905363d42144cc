/**
 * Loads the handler from the built zip, as Lambda would: unpack it into a
 * fresh folder and import `index.mjs` after the `awslambda` global is in
 * place. Each build gets its own folder, so a rebuild is a fresh module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionUrlResult } from '../function/http/response';
import type { StreamingHandler } from '../function/http/lambda-streaming';
import { unpackZip } from '../../build/zip';
import { installAwslambdaGlobal } from './lambda-runtime';

export interface LoadedHandlers {
  readonly sha256: string;
  readonly handler: (event: unknown, context: unknown) => Promise<FunctionUrlResult>;
  readonly streamHandler: StreamingHandler;
}

/** A real ESM `import()`, which tsx would otherwise compile to `require()`. */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

export async function loadHandlersFromZip(zipPath: string, sha256: string, workDir: string): Promise<LoadedHandlers> {
  const dir = path.join(workDir, sha256);
  if (!fs.existsSync(path.join(dir, 'index.mjs'))) unpackZip(fs.readFileSync(zipPath), dir);
  installAwslambdaGlobal();
  const mod = await importModule(pathToFileURL(path.join(dir, 'index.mjs')).href);
  if (typeof mod.handler !== 'function' || typeof mod.streamHandler !== 'function') {
    throw new Error(`${zipPath} does not export handler and streamHandler.`);
  }
  return { sha256, handler: mod.handler as LoadedHandlers['handler'], streamHandler: mod.streamHandler as StreamingHandler };
}
