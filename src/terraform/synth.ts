/** Builds the zip and synthesizes the agent stack into a folder of the caller's choosing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { build } from '../../build/pipeline';
import { AgentStack } from '../stacks/agent-stack';
import { loadArtifact, type FunctionArtifact } from '../stacks/artifact';
import type { BackendConfig } from '../stacks/backend';

export async function buildArtifact(projectRoot: string, outDir: string): Promise<FunctionArtifact> {
  const result = await build({ root: projectRoot, outDir });
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
