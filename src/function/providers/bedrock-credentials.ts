/**
 * The credentials Bedrock's requests are signed with: the execution role's,
 * from the environment, where Lambda (and `npm run dev`) puts them. The
 * Bedrock SDK's own resolver imports the AWS SDK's whole credential chain
 * on every client's first request (about 26 ms of the first request,
 * measured by `npm run bench`); this imports the environment provider
 * alone, and the whole chain only when the environment holds none.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** For AnthropicBedrock's `providerChainResolver`: one provider per execution environment. */
export function environmentFirst(): () => Promise<AwsCredentialIdentityProvider> {
  let provider: Promise<AwsCredentialIdentityProvider> | undefined;
  return () =>
    (provider ??= import('@aws-sdk/credential-provider-env').then(({ fromEnv }) => {
      const fromEnvironment = fromEnv();
      let chain: AwsCredentialIdentityProvider | undefined;
      return async () => {
        try {
          return await fromEnvironment();
        } catch {
          // Elsewhere than Lambda and `npm run dev`: the SDK's default chain, created once (it caches what it resolves).
          chain ??= (await import('@aws-sdk/credential-providers')).fromNodeProviderChain();
          return chain();
        }
      };
    }));
}
