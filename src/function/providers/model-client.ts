/**
 * The model client for the configured provider: Anthropic's API with the key
 * from Secrets Manager (locally too: `npm run dev` serves it from a local
 * stand-in, so no key ever sits in the environment), or Amazon Bedrock with
 * the function's IAM credentials. The Bedrock SDK is imported only when
 * Bedrock is used, so the Anthropic path does not load it.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { RuntimeConfig } from '../config';
import { ProviderError } from '../errors';
import { SDK_LOGGER } from './sdk-logger';
import { getApiKey } from './secrets';

/** What the agent loop needs from either SDK. */
export type MessagesClient = Pick<Anthropic, 'messages'>;

export interface ModelProvider {
  readonly name: RuntimeConfig['provider'];
  readonly model: string;
  /** The client, reading credentials first if needed; `signal` (the request's deadline) stops the read. */
  client(signal?: AbortSignal): Promise<MessagesClient>;
  /** After a 401: fetch credentials again. True when there is something new to try. */
  refreshCredentials(signal?: AbortSignal): Promise<boolean>;
}

export function createProvider(config: RuntimeConfig): ModelProvider {
  return config.provider === 'bedrock' ? bedrockProvider(config) : anthropicProvider(config);
}

function anthropicProvider(config: RuntimeConfig): ModelProvider {
  let client: { key: string; instance: Anthropic } | undefined;
  const source = config.apiKeySecretArn ? { secretArn: config.apiKeySecretArn, region: config.awsRegion } : undefined;
  const build = (key: string) => {
    // Retries and timeouts are set per call, sized to the request's deadline.
    if (client?.key !== key)
      client = { key, instance: new Anthropic({ apiKey: key, baseURL: config.anthropicBaseUrl ?? null, maxRetries: 0, logger: SDK_LOGGER }) };
    return client.instance;
  };
  return {
    name: 'anthropic',
    model: config.model,
    async client(signal) {
      if (source) return build(await getApiKey(source, { signal }));
      throw new ProviderError(
        'credentials_unavailable',
        'No Anthropic API key is configured: set ANTHROPIC_API_KEY_SECRET_ARN to the ARN of a Secrets Manager secret holding the key (the stack sets it from anthropic_api_key_secret_arn; `npm run dev` sets it from ANTHROPIC_API_KEY).',
      );
    },
    async refreshCredentials(signal) {
      if (!source) return false;
      const before = client?.key;
      build(await getApiKey(source, { refresh: true, signal }));
      return client?.key !== before;
    },
  };
}

function bedrockProvider(config: RuntimeConfig): ModelProvider {
  let instance: MessagesClient | undefined;
  return {
    name: 'bedrock',
    model: config.model,
    async client() {
      if (!instance) {
        const { AnthropicBedrock } = await import('@anthropic-ai/bedrock-sdk');
        instance = new AnthropicBedrock({
          awsRegion: config.awsRegion,
          baseURL: config.bedrockBaseUrl,
          maxRetries: 0,
          logger: SDK_LOGGER,
        }) as unknown as MessagesClient;
      }
      return instance;
    },
    refreshCredentials() {
      // The IAM role's credentials are refreshed by the runtime; nothing to fetch.
      return Promise.resolve(false);
    },
  };
}
