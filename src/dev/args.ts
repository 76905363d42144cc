/** Command-line helpers shared by `npm run dev`, `npm run invoke` and `npm run load`: values refused with what to use, and the run-and-exit. */
import type { ParseArgsConfig } from 'node:util';
import type { InvokeMode } from './server';

/** `raw` as a whole number from `min` to `max`, or an error naming the option. */
export function wholeNumber(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} is "${raw}"; use a whole number from ${min} to ${max}.`);
  return value;
}

/** `--invoke-mode`, any case; BUFFERED when absent. */
export function invokeModeOf(raw: string | undefined): InvokeMode {
  const mode = (raw ?? 'BUFFERED').toUpperCase();
  if (mode !== 'BUFFERED' && mode !== 'RESPONSE_STREAM') throw new Error(`--invoke-mode is "${raw}"; use BUFFERED or RESPONSE_STREAM.`);
  return mode;
}

/** How a command reaches an agent: its URL and credentials. */
export const TARGET_OPTIONS = {
  url: { type: 'string' },
  auth: { type: 'string' },
  token: { type: 'string' },
  region: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Runs a command's `main` and exits with its code; an error is printed with the usage, exit 1. */
export function runCommand(main: (argv: string[]) => Promise<number>, usage: string): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
      process.exit(1);
    },
  );
}
