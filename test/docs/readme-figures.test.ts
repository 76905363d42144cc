/**
 * The README's figures and references that no generator writes are checked
 * here against their source, so they cannot go stale: the build's default
 * size budget, the headings that other files and the README's own links
 * point to. (The examples' resource counts are checked against their plans
 * in test/terraform/module.test.ts; the settings table is generated.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_INIT_BUDGET_BYTES, DEFAULT_SIZE_BUDGET_BYTES } from '../../build/options';
import { COLD_START_RESULTS, readmeWithFigures, type ColdStartResults } from '../../bench/cold-start-figures';
import { CONNECTION_PROBE_TIMEOUT_MS } from '../../src/function/providers/model-client';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** The README's headings, without their #s. */
const HEADINGS = [...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim());
/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function filesUnder(dir: string, ending: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, ending) : entry.name.endsWith(ending) ? [full] : [];
  });
}

describe('README figures and references', () => {
  test('the build options table and the build sample state the default budgets the build uses', () => {
    const kib = DEFAULT_SIZE_BUDGET_BYTES / 1024;
    expect(README).toContain(`| \`--size-budget-kb <n>\` | \`${kib}\` |`);
    expect(README).toMatch(new RegExp(`budget ${kib.toFixed(1)} KiB\\)`));
    const initKib = DEFAULT_INIT_BUDGET_BYTES / 1024;
    expect(README).toContain(`| \`--init-budget-kb <n>\` | \`${initKib}\` |`);
    expect(README).toMatch(new RegExp(`uncompressed \\(budget ${initKib.toFixed(1)} KiB\\)`));
  });

  test('the cold-start figures are the ones the benchmark last wrote to bench/results/cold-start.json', () => {
    const results = JSON.parse(fs.readFileSync(COLD_START_RESULTS, 'utf8')) as ColdStartResults;
    expect(results.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^init phase, anthropic/), expect.stringMatching(/^first request after init, anthropic/)]),
    );
    expect(readmeWithFigures(README, results)).toBe(README);
  });

  test('the Cold starts section states the connection probe’s bound the function uses', () => {
    expect(README).toContain(`it gives up after ${CONNECTION_PROBE_TIMEOUT_MS / 1000} s`);
  });

  test('every README section an example points to exists', () => {
    const references = filesUnder(path.join(ROOT, 'examples'), '.tf').flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/README, (?:section )?\\"([^"\\]+)\\"/g)].map((m) => [path.relative(ROOT, file), m[1]] as const),
    );
    expect(references.length).toBeGreaterThan(0);
    for (const [file, section] of references) expect({ file, section, found: HEADINGS.includes(section) }).toEqual({ file, section, found: true });
  });

  test('every link to an anchor of the README names one of its headings', () => {
    const anchors = new Set(HEADINGS.map(slug));
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });
});
