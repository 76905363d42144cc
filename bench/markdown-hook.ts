/**
 * Lets tsx load `.md` imports as strings, as esbuild's text loader does in the
 * zip. Imported first by bench/index.ts.
 */
import * as fs from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const extensions = require.extensions as NodeJS.RequireExtensions;
extensions['.md'] = (module, filename) => {
  (module as NodeJS.Module).exports = fs.readFileSync(filename, 'utf8');
};
export {};
