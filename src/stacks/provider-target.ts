/** Which hashicorp/aws major version the synthesized JSON targets, chosen at synth time. */
import { SynthError } from './errors';

/** `AGENT_AWS_PROVIDER_MAJOR=6` targets hashicorp/aws >= 6.29 (see AgentStackProps.awsProviderMajor). */
export function resolveAwsProviderMajor(env: NodeJS.ProcessEnv): 5 | 6 {
  const raw = env.AGENT_AWS_PROVIDER_MAJOR?.trim();
  if (!raw || raw === '5') return 5;
  if (raw === '6') return 6;
  throw new SynthError(
    'PROVIDER_CONFIG',
    `AGENT_AWS_PROVIDER_MAJOR is "${raw}"; use 5 (hashicorp/aws 5.100.0 and 6.x, the default) or 6 (hashicorp/aws >= 6.29.0).`,
  );
}
