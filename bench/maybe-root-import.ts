/**
 * Imported first by synth-probe.ts: with --root-import, loads the provider
 * bindings from their package root (the baseline the project avoids).
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

/** When the app's own module loading began (after node and tsx have started). */
export const appStart = performance.now();
if (process.argv.includes('--root-import')) createRequire(__filename)('@cdktf/provider-aws');
