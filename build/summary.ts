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

export function formatSummary(input: {
  manifest: BuildManifest;
  zipPath: string;
  largest: readonly InputWeight[];
  bundleBytes: number;
  sizeBudgetBytes: number;
}): string {
  const { manifest } = input;
  const lines = [
    `zip                ${input.zipPath}`,
    `size               ${kib(manifest.size_bytes)} (bundle ${kib(input.bundleBytes)} before compression; budget ${kib(input.sizeBudgetBytes)})`,
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
