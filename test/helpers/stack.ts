/** Builds the real zip once and synthesizes the agent stack from it, into temporary folders. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { build } from '../../build/pipeline';
import { loadArtifact, type FunctionArtifact } from '../../src/stacks/artifact';
import { AgentStack } from '../../src/stacks/agent-stack';
import type { BackendConfig } from '../../src/stacks/backend';
import { REPO_ROOT } from './project';

export async function buildArtifact(outDir: string): Promise<FunctionArtifact> {
  const result = await build({ root: REPO_ROOT, outDir });
  return loadArtifact(result.manifestPath);
}

/** Synthesizes into `<root>/cdktf.out` and returns the stack folder. */
export function synthAgentStack(root: string, artifact: FunctionArtifact, backend?: BackendConfig): string {
  const outdir = path.join(root, 'cdktf.out');
  const app = new App({ outdir });
  new AgentStack(app, 'agent', { artifact, backend });
  app.synth();
  const stackDir = path.join(outdir, 'stacks', 'agent');
  if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) throw new Error(`synth wrote no ${stackDir}/cdk.tf.json`);
  return stackDir;
}
