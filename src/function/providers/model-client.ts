/**
 * The model client for the configured provider: Anthropic's API with the key
 * from Secrets Manager (locally too: `npm run dev` serves it from a local
 * stand-in, so no key ever sits in the environment), or Amazon Bedrock with
 * the function's IAM credentials. The Bedrock SDK is imported only when
 * Bedrock is used, so the Anthropic path does not load it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { RuntimeConfig } from '../config';
import { ProviderError } from '../errors';
import { SDK_LOGGER } from './sdk-logger';
import type { environmentFirst } from './bedrock-credentials';
import { MessagesOnlyClient } from './messages-only-client';
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
  /** At init (prefetch): the client with its credentials (for Anthropic, the key from Secrets Manager), as the first request would make it. */
  warm(signal: AbortSignal): Promise<void>;
  /**
   * At init (prefetch): a connection to the model's endpoint, opened with
   * `GET /` (no key sent, no tokens), so the first call finds it open.
   * Bounded by CONNECTION_PROBE_TIMEOUT_MS as well as `signal`.
   */
  connect(signal: AbortSignal): Promise<void>;
}

/** Longest the connection probe may take: an endpoint (or a gateway's root) that is slow to answer is not worth holding init for. @unit ms */
export const CONNECTION_PROBE_TIMEOUT_MS = 1_000;

/** The Anthropic API's origin when no base URL is set (the SDK's own default). */
const ANTHROPIC_API_ORIGIN = 'https://api.anthropic.com';

/**
 * Opens a kept-alive connection to `origin` through the global fetch the
 * SDKs use: any HTTP status will do (the endpoints answer `GET /` with a
 * short 404), the connection is what is wanted. Not HEAD: fetch closes the
 * connection after a HEAD. The body is read, so the connection goes back to
 * the pool; the pool closes it after a few idle seconds, and a call that
 * finds it closed is retried (retry-policy: a connection error).
 */
async function openConnection(origin: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(new URL('/', origin), {
    signal: AbortSignal.any([signal, AbortSignal.timeout(CONNECTION_PROBE_TIMEOUT_MS)]),
    redirect: 'manual',
  });
  await response.arrayBuffer();
}

export function createProvider(config: RuntimeConfig): ModelProvider {
  return config.provider === 'bedrock' ? bedrockProvider(config) : anthropicProvider(config);
}

function anthropicProvider(config: RuntimeConfig): ModelProvider {
  let client: { key: string; instance: MessagesClient } | undefined;
  const source = config.apiKeySecretArn ? { secretArn: config.apiKeySecretArn, region: config.awsRegion } : undefined;
  const build = (key: string) => {
    // Retries and timeouts are set per call, sized to the request's deadline.
    if (client?.key !== key)
      client = { key, instance: new MessagesOnlyClient({ apiKey: key, baseURL: config.anthropicBaseUrl ?? null, maxRetries: 0, logger: SDK_LOGGER }) };
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
    async warm(signal) {
      await this.client(signal);
    },
    connect: (signal) => openConnection(config.anthropicBaseUrl ?? ANTHROPIC_API_ORIGIN, signal),
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
  let resolveCredentials: ReturnType<typeof environmentFirst> | undefined;
  return {
    name: 'bedrock',
    model: config.model,
    async client() {
      if (!instance) {
        const [{ AnthropicBedrock }, { environmentFirst }] = await Promise.all([import('@anthropic-ai/bedrock-sdk'), import('./bedrock-credentials.js')]);
        resolveCredentials = environmentFirst();
        instance = new AnthropicBedrock({
          awsRegion: config.awsRegion,
          providerChainResolver: resolveCredentials,
          baseURL: config.bedrockBaseUrl,
          maxRetries: 0,
          logger: SDK_LOGGER,
        }) as unknown as MessagesClient;
      }
      return instance;
    },
    async warm() {
      await this.client();
      // The credentials' provider too, as the first request would load and ask it.
      await (
        await resolveCredentials?.()
      )?.();
    },
    connect: (signal) => openConnection(config.bedrockBaseUrl ?? `https://bedrock-runtime.${config.awsRegion}.amazonaws.com`, signal),
    refreshCredentials() {
      // The IAM role's credentials are refreshed by the runtime; nothing to fetch.
      return Promise.resolve(false);
    },
  };
}
