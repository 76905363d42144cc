/** The repository's own zip and stack, built and synthesized into temporary folders. */
import { buildArtifact as buildInto, synthAgentStack } from '../../src/terraform/synth';
import type { FunctionArtifact } from '../../src/stacks/artifact';
import { REPO_ROOT } from './project';

export { synthAgentStack };

export function buildArtifact(outDir: string): Promise<FunctionArtifact> {
  return buildInto(REPO_ROOT, outDir);
}
