/**
 * Imported first by synth-probe.ts: with --root-import, loads the provider
 * bindings from their package root (the baseline the project avoids).
 */
if (process.argv.includes('--root-import')) require('@cdktf/provider-aws');
export {};
