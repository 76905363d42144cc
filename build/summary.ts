/** The one-screen report `npm run build` prints: size, hashes, the largest bundle inputs. */
import type { Metafile } from 'esbuild';
import type { BuildManifest } from './manifest';

export interface InputWeight {
  /** A package name, or a project-relative file for the project's own code. */
  readonly name: string;
  /** @unit bytes, in the minified bundle */
  readonly bytes: number;
}

/** Bytes each package (or own source file) contributes to the bundle, largest first. */
export function largestInputs(metafile: Metafile, limit = 8): InputWeight[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
}

/** Lazily loaded chunks the report names; the manifest lists every file. */
const LAZY_CHUNKS_SHOWN = 8;

export function formatSummary(input: {
  manifest: BuildManifest;
  zipPath: string;
  largest: readonly InputWeight[];
  bundleBytes: number;
  sizeBudgetBytes: number;
  initBudgetBytes: number;
}): string {
  const { manifest } = input;
  const bySize = (a: { size: number }, b: { size: number }) => b.size - a.size;
  const atInit = manifest.entries.filter((e) => e.init).sort(bySize);
  const lazy = manifest.entries.filter((e) => !e.init).sort(bySize);
  const lines = [
    `zip                ${input.zipPath}`,
    `size               ${kib(manifest.size_bytes)} (bundle ${kib(input.bundleBytes)} before compression; budget ${kib(input.sizeBudgetBytes)})`,
    `init loads         ${kib(manifest.init_bytes)} in ${atInit.length} files, uncompressed (budget ${kib(input.initBudgetBytes)}):`,
    ...atInit.map((e) => `  ${kib(e.size).padStart(10)}  ${e.path}`),
    `loaded on first use: ${kib(lazy.reduce((sum, e) => sum + e.size, 0))} in ${lazy.length} files, the largest:`,
    ...lazy.slice(0, LAZY_CHUNKS_SHOWN).map((e) => `  ${kib(e.size).padStart(10)}  ${e.path}`),
    `sha256             ${manifest.sha256}`,
    `source_code_hash   ${manifest.source_code_hash}`,
    `target             ${manifest.target} (${manifest.runtime}) / ${manifest.architecture}, esbuild ${manifest.esbuild_version}`,
    `largest inputs of the bundle:`,
    ...input.largest.map((w) => `  ${kib(w.bytes).padStart(10)}  ${w.name}`),
  ];
  return lines.join('\n');
}

export function budgetWarning(sizeBytes: number, budgetBytes: number): string | undefined {
  if (sizeBytes <= budgetBytes) return undefined;
  return (
    `warning: the zip is ${kib(sizeBytes)}, over the size budget of ${kib(budgetBytes)} ` +
    `by ${kib(sizeBytes - budgetBytes)}. Look at the largest inputs above, or raise the budget ` +
    `with \`--size-budget-kb\`.`
  );
}

export function initBudgetWarning(initBytes: number, budgetBytes: number): string | undefined {
  if (initBytes <= budgetBytes) return undefined;
  return (
    `warning: every cold start loads ${kib(initBytes)} of code, over the init budget of ${kib(budgetBytes)} ` +
    `by ${kib(initBytes - budgetBytes)}. Import what a configuration may not need with \`import()\` (a chunk loaded ` +
    `on first use), or raise the budget with \`--init-budget-kb\`.`
  );
}

function packageOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return input;
  const first = parts[at + 1] ?? input;
  return first.startsWith('@') ? `${first}/${parts[at + 2]}` : first;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
