/**
 * Step 0: the handler's own module graph type-checked with the project's
 * tsconfig, so a type error stops the build (and so `cdktf synth` and
 * `deploy`), not only `npm test`. Only files the entry reaches are checked,
 * plus the ambient declarations beside them (Markdown modules): about 2 s.
 *
 * A passing check is remembered under `node_modules/.cache`, keyed on
 * everything it depends on: every file in the entry's folder (the handler
 * imports nothing outside it but packages), tsconfig.json, package-lock.json
 * (the packages' types) and the TypeScript version. Unchanged sources are
 * not checked twice.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TypeScript from 'typescript';
import { writeFilesAtomically } from './atomic-write';
import { typeErrors } from './errors';

/** Where a passing check is remembered, relative to the project root. */
export const TYPECHECK_CACHE = path.join('node_modules', '.cache', 'claude-agent-lambda', 'typecheck.json');

export function typecheck(root: string, entry: string): void {
  const sourceDir = path.dirname(entry);
  const key = cacheKey(root, sourceDir);
  const cache = path.join(root, TYPECHECK_CACHE);
  if (readKey(cache) === key) return;
  // Loaded only when a check runs: the compiler is 9 MB of JavaScript.
  const ts = createRequire(__filename)('typescript') as typeof TypeScript;
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (config.error) throw typeErrors(format(ts, [config.error], root), 1);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  // Test-only type packages (jest) are not the handler's business.
  const options: TypeScript.CompilerOptions = { ...parsed.options, types: ['node'], noEmit: true };
  const program = ts.createProgram({ rootNames: [entry, ...filesUnder(sourceDir).filter((f) => f.endsWith('.d.ts'))], options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw typeErrors(format(ts, diagnostics, root), diagnostics.length);
  try {
    writeFilesAtomically([{ path: cache, data: `${JSON.stringify({ key })}\n` }]);
  } catch {
    // A read-only node_modules only costs the next build another check.
  }
}

function cacheKey(root: string, sourceDir: string): string {
  const typescriptVersion = (createRequire(__filename)('typescript/package.json') as { version: string }).version;
  const hash = createHash('sha256').update(`typescript ${typescriptVersion}\n`);
  const inputs = [...filesUnder(sourceDir), path.join(root, 'tsconfig.json'), path.join(root, 'package-lock.json')];
  for (const file of inputs) {
    hash.update(`${path.relative(root, file)}\n`);
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : '(missing)');
  }
  return hash.digest('hex');
}

function readKey(file: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { key?: string }).key;
  } catch {
    return undefined;
  }
}

/** Every file under `dir`, sorted, so the key does not depend on directory order. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

function format(ts: typeof TypeScript, diagnostics: readonly TypeScript.Diagnostic[], root: string): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (file) => file, getCurrentDirectory: () => root, getNewLine: () => '\n' }).trimEnd();
}
