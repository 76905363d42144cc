/** CDKTF app: reads the build's manifest and synthesizes the agent stack. */
import { App } from 'cdktf';
import { DEFAULT_MANIFEST_PATH, loadArtifact } from './src/stacks/artifact';
import { AgentStack } from './src/stacks/agent-stack';
import { resolveBackend } from './src/stacks/backend';
import { resolveAwsProviderMajor } from './src/stacks/provider-target';

const app = new App();
new AgentStack(app, 'agent', {
  artifact: loadArtifact(DEFAULT_MANIFEST_PATH),
  backend: resolveBackend(process.env),
  awsProviderMajor: resolveAwsProviderMajor(process.env),
});
app.synth();
