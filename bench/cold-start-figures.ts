/**
 * The README's cold-start figures, written by the benchmark that measured
 * them: `npm run bench` (or `npm run bench -- cold-start`) keeps its rows in
 * bench/results/cold-start.json and renders them into the README between
 * two markers; a test checks the README still shows exactly that file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Row } from './lib';

const ROOT = path.resolve(__dirname, '..');
export const COLD_START_RESULTS = path.join(ROOT, 'bench', 'results', 'cold-start.json');
const README = path.join(ROOT, 'README.md');
export const FIGURES_START = '<!-- cold start figures: written by `npm run bench -- cold-start` from bench/results/cold-start.json -->';
export const FIGURES_END = '<!-- end of cold start figures -->';

export interface ColdStartResults {
  readonly node: string;
  readonly rows: readonly Row[];
}

const number = (value: number, unit: Row['unit']) => `${value.toFixed(1)}${unit === 'count' ? '' : ` ${unit}`}`;

/** The figures as a Markdown table: each beside its baseline, with the difference and the target where the issue sets one. */
export function renderColdStartFigures(results: ColdStartResults): string {
  const lines = [
    `Measured by \`npm run bench -- cold-start\` on ${results.node}, the zip under the runtime client, medians of interleaved cold starts:`,
    '',
    '| figure | measured | baseline in the same run | difference | target |',
    '| --- | --- | --- | --- | --- |',
    ...results.rows.map((row) => {
      const delta = row.value - row.baseline;
      const target = row.target
        ? `${row.target.of === 'delta' ? 'difference' : 'measured'} ≤ ${row.target.max} ${row.unit}: ${(row.target.of === 'delta' ? delta : row.value) <= row.target.max ? 'met' : 'missed'}`
        : '';
      return `| ${row.name.trim()} | ${number(row.value, row.unit)} | ${row.baselineName} ${number(row.baseline, row.unit)} | ${delta >= 0 ? '+' : ''}${number(delta, row.unit)} | ${target} |`;
    }),
  ];
  return lines.join('\n');
}

/** The README between the markers rendered from `results`: throws, naming the markers, when the README lacks them. */
export function readmeWithFigures(readme: string, results: ColdStartResults): string {
  const start = readme.indexOf(FIGURES_START);
  const end = readme.indexOf(FIGURES_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${FIGURES_START} … ${FIGURES_END}: put them back where the figures go.`);
  return `${readme.slice(0, start + FIGURES_START.length)}\n\n${renderColdStartFigures(results)}\n\n${readme.slice(end)}`;
}

/** Keeps the run's results and renders them into the README; returns what it did. */
export function writeColdStartFigures(results: ColdStartResults): string {
  fs.mkdirSync(path.dirname(COLD_START_RESULTS), { recursive: true });
  fs.writeFileSync(COLD_START_RESULTS, `${JSON.stringify({ node: results.node, rows: results.rows }, null, 2)}\n`);
  fs.writeFileSync(README, readmeWithFigures(fs.readFileSync(README, 'utf8'), results));
  return `cold-start figures written to ${path.relative(ROOT, COLD_START_RESULTS)} and README.md`;
}
