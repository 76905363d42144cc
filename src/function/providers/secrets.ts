/**
 * The Anthropic API key from AWS Secrets Manager (one signed GetSecretValue,
 * see get-secret-value): once per execution environment, cached, and read
 * again on demand when the API rejects the cached key (rotation). The call
 * honours the SDK's standard `AWS_ENDPOINT_URL_SECRETS_MANAGER` and reads
 * the secret in the Region its ARN names.
 */
import { untilAborted } from '../until-aborted';
import { DeadlineError, ProviderError } from '../errors';
import { getSecretString, MissingCredentialsError, SecretsManagerError, UnknownPartitionError } from './get-secret-value';

export interface SecretSource {
  readonly secretArn: string;
  /** The function's Region: used only when the ARN names none. */
  readonly region: string;
}

/** Keys tried, in order, when the secret holds JSON instead of the bare key. */
const JSON_KEY_NAMES = ['ANTHROPIC_API_KEY', 'anthropic_api_key', 'api_key', 'apiKey'];
/** Longest one read may take, retries included. @unit ms */
const READ_TIMEOUT_MS = 5_000;

let cached: { arn: string; value: Promise<string> } | undefined;

export interface ReadOptions {
  /** Read again even if a key is cached (after the API rejected it). */
  readonly refresh?: boolean;
  /** The request's deadline: the read, or the wait for a read under way, stops when it aborts. */
  readonly signal?: AbortSignal;
}

/** The key, fetched once per execution environment unless `refresh` asks for a new read. */
export function getApiKey(source: SecretSource, options: ReadOptions = {}): Promise<string> {
  if (!cached || cached.arn !== source.secretArn || options.refresh) {
    const value = fetchSecret(source, options.signal);
    cached = { arn: source.secretArn, value };
    // A failed read is not cached: the next request tries again.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
  }
  // A DeadlineError as soon as the request's deadline aborts the wait.
  return untilAborted(cached.value, options.signal, outOfTime);
}

function outOfTime(): DeadlineError {
  return new DeadlineError('The request ran out of time while reading the Anthropic API key from Secrets Manager.');
}

async function fetchSecret({ secretArn, region }: SecretSource, signal: AbortSignal | undefined): Promise<string> {
  let secretString: string | undefined;
  try {
    const bounded = signal ? AbortSignal.any([signal, AbortSignal.timeout(READ_TIMEOUT_MS)]) : AbortSignal.timeout(READ_TIMEOUT_MS);
    secretString = await getSecretString(secretArn, region, bounded);
  } catch (error) {
    if (signal?.aborted) throw outOfTime();
    // The error's name (e.g. AccessDeniedException) is safe to show; its message may not be.
    if (error instanceof SecretsManagerError) {
      throw new ProviderError('credentials_unavailable', `Secrets Manager refused to return the Anthropic API key (${error.errorType}).`, {
        cause: error,
        ...(error.requestId ? { upstreamRequestId: error.requestId } : {}),
      });
    }
    if (error instanceof UnknownPartitionError) throw new ProviderError('credentials_unavailable', error.message, { cause: error });
    if (error instanceof MissingCredentialsError) {
      throw new ProviderError(
        'credentials_unavailable',
        'Cannot read the Anthropic API key: the function has no AWS credentials (its execution role provides them on Lambda).',
        { cause: error },
      );
    }
    throw new ProviderError('credentials_unavailable', 'Cannot reach Secrets Manager to read the Anthropic API key.', { cause: error });
  }
  return extractKey(secretString);
}

function extractKey(secretString: unknown): string {
  if (typeof secretString !== 'string' || secretString.trim() === '') {
    throw new ProviderError('credentials_unavailable', 'The Anthropic API key secret has no SecretString value.');
  }
  const value = secretString.trim();
  if (!value.startsWith('{')) return value;
  try {
    const json = JSON.parse(value) as Record<string, unknown>;
    const key = JSON_KEY_NAMES.map((name) => json[name]).find((v): v is string => typeof v === 'string' && v.length > 0);
    if (key) return key;
  } catch {
    // fall through to the error below
  }
  throw new ProviderError('credentials_unavailable', `The Anthropic API key secret holds JSON without a ${JSON_KEY_NAMES.join(' / ')} field.`);
}
