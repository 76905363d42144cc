/**
 * What a cold start loads: the entry module and every chunk it imports
 * statically, transitively (`import … from`, not `import()`). That code is
 * read and compiled in Lambda's init phase whatever the configuration; the
 * other chunks load on first use. The build budgets this set apart from
 * the zip, since what costs a cold start is the code init loads, not the
 * bytes at rest.
 */
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import { BUNDLE_NAME } from './options';

/** Zip paths (`index.mjs`, `chunks/…`) of the files init loads. */
export function initSet(metafile: Metafile, root: string, outDir: string): Set<string> {
  const zipPathOf = (output: string) => path.relative(outDir, path.resolve(root, output)).split(path.sep).join('/');
  const byZipPath = new Map(Object.entries(metafile.outputs).map(([output, meta]) => [zipPathOf(output), meta]));
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    const meta = byZipPath.get(file);
    if (!meta) return;
    loaded.add(file);
    for (const imported of meta.imports) if (imported.kind === 'import-statement' && !imported.external) visit(zipPathOf(imported.path));
  };
  visit(BUNDLE_NAME);
  return loaded;
}
