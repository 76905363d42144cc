/**
 * The credentials Bedrock's requests are signed with: the execution role's,
 * from the environment, where Lambda (and `npm run dev`) puts them. The
 * Bedrock SDK's own resolver imports the AWS SDK's whole credential chain
 * on every client's first request; this imports the environment provider
 * alone, and the whole chain only when the environment holds none. Measured
 * with `npm run bench -- cold-start` when it was made: the first Bedrock
 * request went from 26.3 to 18.5 ms over a warm one.
 */
/** What AnthropicBedrock's `providerChainResolver` resolves to (the SDK's AwsCredentialIdentityProvider). */
type AwsCredentialIdentityProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

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
