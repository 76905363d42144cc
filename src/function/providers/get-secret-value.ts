/**
 * Secrets Manager's GetSecretValue as one signed HTTP request: the AWS JSON
 * 1.1 call, SigV4-signed by @smithy/signature-v4 (the signer the AWS SDK
 * itself uses) with node:crypto's SHA-256, sent with fetch. Not the AWS SDK's
 * client: measured in a new process on Node 22, its chunk, client and first
 * call cost about 90 ms of CPU (40 ms to load, 45 ms for the first send),
 * this about 5 ms (1.5 ms to load the signer, 3 ms to sign), on every cold
 * start of every Anthropic deployment. The function makes no other Secrets
 * Manager call.
 *
 * Standing in for the SDK's client, it reads the SDK's own standard
 * variables, not settings of ours: the execution role's credentials (where
 * Lambda puts them) and `AWS_ENDPOINT_URL_SECRETS_MANAGER` (then
 * `AWS_ENDPOINT_URL`). Without one, the endpoint is the Region's, with the
 * China partition's DNS suffix in `cn-` Regions.
 */
import { createHash, createHmac } from 'node:crypto';

/** The operation, as its `X-Amz-Target` header names it (the IAM simulation's inventory reads this). */
export const X_AMZ_TARGET = 'secretsmanager.GetSecretValue';
/** Attempts per read: one retry for a dropped connection, a throttle or a 5xx. */
const MAX_ATTEMPTS = 2;

/** What Secrets Manager answered instead of the value: its error's name and request id, as the SDK's exceptions carry them. */
export class SecretsManagerError extends Error {
  constructor(
    readonly errorType: string,
    readonly status: number,
    readonly requestId: string | undefined,
  ) {
    super(`Secrets Manager answered ${status} ${errorType}.`);
    this.name = errorType;
  }
}

/** No AWS credentials in the environment: the execution role provides them on Lambda. */
export class MissingCredentialsError extends Error {
  constructor() {
    super('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.');
    this.name = 'CredentialsProviderError';
  }
}

/** SHA-256 and HMAC-SHA-256 as the signer's checksum interface, from node:crypto. */
class Sha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret : toBytes(secret);
    this.hash = this.create();
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.create();
  }
  private create() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Secrets Manager's endpoint for `region`: the configured one, or the Region's. */
export function secretsManagerEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const configured = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  return new URL(`https://secretsmanager.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
}

/** The secret's SecretString (undefined when it holds binary only); SecretsManagerError, MissingCredentialsError or a network error otherwise. */
export async function getSecretString(
  secretId: string,
  region: string,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new MissingCredentialsError();
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region,
    service: 'secretsmanager',
    sha256: Sha256,
  });
  const endpoint = secretsManagerEndpoint(region, env);
  const body = JSON.stringify({ SecretId: secretId });
  for (let attempt = 1; ; attempt += 1) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      headers: { host: endpoint.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': X_AMZ_TARGET },
      body,
    });
    let response: Response;
    try {
      response = await fetch(endpoint, { method: 'POST', headers: signed.headers, body, signal });
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && !signal.aborted) continue;
      // fetch wraps every network failure in TypeError('fetch failed'): the cause says what failed (ECONNREFUSED, a DNS error).
      throw error instanceof TypeError && error.cause instanceof Error ? error.cause : error;
    }
    const text = await response.text();
    if (response.ok) return (JSON.parse(text) as { SecretString?: string }).SecretString;
    const error = new SecretsManagerError(errorTypeOf(text, response.headers), response.status, response.headers.get('x-amzn-requestid') ?? undefined);
    if (attempt < MAX_ATTEMPTS && (response.status >= 500 || error.errorType === 'ThrottlingException')) continue;
    throw error;
  }
}

/** The error's short name: `__type` (`com.amazonaws…#AccessDeniedException` or the bare name) or the `x-amzn-errortype` header. */
function errorTypeOf(body: string, headers: Headers): string {
  let type: unknown;
  try {
    type = (JSON.parse(body) as { __type?: unknown }).__type;
  } catch {
    type = undefined;
  }
  const raw = typeof type === 'string' ? type : (headers.get('x-amzn-errortype') ?? 'UnknownError');
  return raw.split('#').pop()!.split(':')[0];
}
