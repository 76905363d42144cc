/** Builds the zip and synthesizes the agent stack, in both forms, into a folder of the caller's choosing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { build } from '../../build/pipeline';
import { AgentStack } from '../stacks/agent-stack';
import { loadArtifact, type FunctionArtifact } from '../stacks/artifact';
import type { BackendConfig } from '../stacks/backend';
import { synthModule } from '../stacks/module-synth';

export async function buildArtifact(projectRoot: string, outDir: string): Promise<FunctionArtifact> {
  const result = await build({ root: projectRoot, outDir });
  return loadArtifact(result.manifestPath);
}

export interface SynthesizedStacks {
  /** `<root>/cdktf.out/stacks/agent`: the root configuration. */
  readonly stackDir: string;
  /** `<root>/cdktf.out/modules/agent`: the module, zip included. */
  readonly moduleDir: string;
}

/** Synthesizes into `<root>/cdktf.out`, as `npm run synth` does into the project. */
export function synthAgentStack(root: string, artifact: FunctionArtifact, backend?: BackendConfig): SynthesizedStacks {
  const outdir = path.join(root, 'cdktf.out');
  const app = new App({ outdir });
  new AgentStack(app, 'agent', { artifact, backend });
  app.synth();
  const stackDir = path.join(outdir, 'stacks', 'agent');
  if (!fs.existsSync(path.join(stackDir, 'cdk.tf.json'))) throw new Error(`synth wrote no ${stackDir}/cdk.tf.json`);
  const moduleDir = synthModule({ artifact }, outdir);
  return { stackDir, moduleDir };
}
