/**
 * Run in a fresh process by the synth benchmark: synthesizes the agent stack
 * into a temp folder and prints {ms, maxRssMb} as JSON. With --root-import it
 * first loads @cdktf/provider-aws from its package root, the import style the
 * project forbids, as the baseline.
 */
import { appStart } from './maybe-root-import';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'cdktf';
import { AgentStack } from '../src/stacks/agent-stack';
import { loadArtifact } from '../src/stacks/artifact';

function main(): void {
  const manifest = process.argv[process.argv.indexOf('--manifest') + 1];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-synth-'));
  try {
    const app = new App({ outdir });
    new AgentStack(app, 'agent', { artifact: loadArtifact(manifest) });
    app.synth();
    // Module loading is most of the cost, so it is counted: from the first app import to the written JSON.
    const now = performance.now();
    process.stdout.write(JSON.stringify({ ms: now - appStart, processMs: now, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main();
