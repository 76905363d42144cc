/**
 * The Anthropic API key from AWS Secrets Manager: one SigV4-signed
 * GetSecretValue call per container, cached, and fetched again on demand
 * when the API rejects the cached key (rotation). The endpoint honours the
 * AWS SDK's standard `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`.
 */
import { HttpError } from '../errors';
import type { Env } from '../env';

export interface SecretSource {
  readonly secretArn: string;
  readonly region: string;
  readonly env: Env;
}

/** Keys tried, in order, when the secret holds JSON instead of the bare key. */
const JSON_KEY_NAMES = ['ANTHROPIC_API_KEY', 'anthropic_api_key', 'api_key', 'apiKey'];
const FETCH_TIMEOUT_MS = 5_000;

let cached: { arn: string; value: Promise<string> } | undefined;

/** The key, fetched once per container unless `refresh` asks for a new read. */
export function getApiKey(source: SecretSource, refresh = false): Promise<string> {
  if (!cached || cached.arn !== source.secretArn || refresh) {
    const value = fetchSecret(source);
    cached = { arn: source.secretArn, value };
    // A failed read is not cached: the next request tries again.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
  }
  return cached.value;
}

/** Forgets the cached key (tests; and nothing else needs it). */
export function resetSecretCache(): void {
  cached = undefined;
}

export function secretsManagerEndpoint(env: Env, region: string): string {
  return env.AWS_ENDPOINT_URL_SECRETS_MANAGER?.trim() || env.AWS_ENDPOINT_URL?.trim() || `https://secretsmanager.${region}.amazonaws.com`;
}

async function fetchSecret({ secretArn, region, env }: SecretSource): Promise<string> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new HttpError('upstream_error', 'Cannot read the Anthropic API key: no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).');
  }
  // Loaded on first use: signing code is not needed to start the function.
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
  const url = new URL(secretsManagerEndpoint(env, region));
  const body = JSON.stringify({ SecretId: secretArn });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    sha256: Sha256,
    credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN },
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname || '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new HttpError('upstream_error', 'Cannot reach Secrets Manager to read the Anthropic API key.', { cause: error });
  }
  const payload = (await response.json().catch(() => ({}))) as { SecretString?: unknown; __type?: unknown };
  if (!response.ok) {
    // The error type (e.g. AccessDeniedException) is safe to show; the message may not be.
    const type = typeof payload.__type === 'string' ? payload.__type.split('#').pop() : `HTTP ${response.status}`;
    throw new HttpError('upstream_error', `Secrets Manager refused to return the Anthropic API key (${type}).`);
  }
  return extractKey(payload.SecretString);
}

function extractKey(secretString: unknown): string {
  if (typeof secretString !== 'string' || secretString.trim() === '') {
    throw new HttpError('upstream_error', 'The Anthropic API key secret has no SecretString value.');
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
  throw new HttpError('upstream_error', `The Anthropic API key secret holds JSON without a ${JSON_KEY_NAMES.join(' / ')} field.`);
}
