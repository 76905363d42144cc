/**
 * The CDKTF app, run by `cdktf synth` and `cdktf deploy`: it builds the zip
 * first (type check included), so what it synthesizes is always the zip of
 * the sources as they are now, never a stale `dist/`. A build error stops it
 * with the build's message. It writes the root stack (cdktf.out/stacks/agent)
 * and the same construct as a module (cdktf.out/modules/agent).
 */
import { App } from 'cdktf';
import { BuildError } from './build/errors';
import { build } from './build/pipeline';
import { AgentStack } from './src/stacks/agent-stack';
import { loadArtifact } from './src/stacks/artifact';
import { synthModule } from './src/stacks/module-synth';
import { resolveBackend } from './src/stacks/backend';
import { resolveAwsProviderMajor } from './src/stacks/provider-target';

async function main(): Promise<void> {
  const built = await build({ root: __dirname });
  if (built.sizeWarning) process.stderr.write(`${built.sizeWarning}\n`);
  const artifact = loadArtifact(built.manifestPath);
  const awsProviderMajor = resolveAwsProviderMajor(process.env);
  const app = new App();
  new AgentStack(app, 'agent', { artifact, backend: resolveBackend(__dirname, process.env), awsProviderMajor });
  app.synth();
  // The same construct as a module, for use from your own Terraform: cdktf.out/modules/agent.
  synthModule({ artifact, awsProviderMajor }, app.outdir);
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof BuildError ? `error [${error.code}]: ${error.message}\n` : `${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
