/**
 * Setting descriptions stay out of the zip. The settings table's
 * `description` texts are for the stack, terraform.tfvars.example and the
 * README; the function never reads them (test/function/settings.test.ts
 * says so), and as strings in the code every cold start loads they cost
 * init time: measured with 56 settings (7.3 KB of descriptions), the init
 * phase was 3 ms longer with them than without, in paired cold starts. This
 * esbuild plugin blanks each `description` of the table as esbuild loads
 * it, finding them with TypeScript's parser, so nothing else in the file
 * can be touched. Nothing else in the bundle changes.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Plugin } from 'esbuild';
import type * as TypeScript from 'typescript';

/** The settings table, relative to the project root. */
export const SETTINGS_TABLE = 'src/function/settings/table.ts';

export function stripSettingDescriptions(root: string): Plugin {
  const table = path.resolve(root, SETTINGS_TABLE);
  return {
    name: 'strip-setting-descriptions',
    setup(build) {
      build.onLoad({ filter: /[\\/]settings[\\/]table\.ts$/ }, (args) => {
        if (path.resolve(args.path) !== table) return undefined;
        return { contents: withoutDescriptions(fs.readFileSync(table, 'utf8'), table), loader: 'ts' };
      });
    },
  };
}

/** `source` with the value of every `description:` property blanked to `''`. */
export function withoutDescriptions(source: string, fileName = 'table.ts'): string {
  const ts = createRequire(__filename)('typescript') as typeof TypeScript;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const spans: Array<{ start: number; end: number }> = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'description') {
      spans.push({ start: node.initializer.getStart(file), end: node.initializer.getEnd() });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let result = source;
  for (const { start, end } of spans.sort((a, b) => b.start - a.start)) result = `${result.slice(0, start)}''${result.slice(end)}`;
  return result;
}
