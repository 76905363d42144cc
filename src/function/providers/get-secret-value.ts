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
 * Lambda puts them), `AWS_ENDPOINT_URL_SECRETS_MANAGER` (then
 * `AWS_ENDPOINT_URL`) and `AWS_USE_FIPS_ENDPOINT`. Without an endpoint, it
 * is the one of the secret's partition and Region, as its ARN names them.
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

/** Each partition's DNS suffix, as the AWS SDK's partition table has them. */
const DNS_SUFFIXES: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu',
};

/** A partition whose DNS suffix is not in the table: the endpoint must be given. */
export class UnknownPartitionError extends Error {
  constructor(readonly partition: string) {
    super(`No Secrets Manager endpoint is known for the partition ${partition}: set AWS_ENDPOINT_URL_SECRETS_MANAGER to it.`);
    this.name = 'UnknownPartitionError';
  }
}

/**
 * Secrets Manager's endpoint for a secret in `partition` and `region`: the
 * configured one, or the Region's (its FIPS endpoint with
 * `AWS_USE_FIPS_ENDPOINT=true`).
 */
export function secretsManagerEndpoint(partition: string, region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const configured = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const suffix = DNS_SUFFIXES[partition];
  if (!suffix) throw new UnknownPartitionError(partition);
  return new URL(`https://${env.AWS_USE_FIPS_ENDPOINT === 'true' ? 'secretsmanager-fips' : 'secretsmanager'}.${region}.${suffix}`);
}

/** Before the one retry: a short, jittered pause, as the SDK's standard retry strategy waits. @unit ms */
const RETRY_DELAY_MS = 100;

/**
 * The secret's SecretString (undefined when it holds binary only), read in
 * the partition and Region its ARN names (`region` when it names none);
 * SecretsManagerError, MissingCredentialsError, UnknownPartitionError or a
 * network error otherwise.
 */
export async function getSecretString(
  secretArn: string,
  region: string,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new MissingCredentialsError();
  const [, partition = 'aws', , arnRegion] = secretArn.split(':');
  const secretRegion = arnRegion || region;
  const endpoint = secretsManagerEndpoint(partition, secretRegion, env);
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region: secretRegion,
    service: 'secretsmanager',
    sha256: Sha256,
  });
  const body = JSON.stringify({ SecretId: secretArn });
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
    let text: string;
    try {
      response = await fetch(endpoint, { method: 'POST', headers: signed.headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && !signal.aborted) {
        await pause(signal);
        continue;
      }
      // fetch wraps every network failure in TypeError('fetch failed'): the cause says what failed (ECONNREFUSED, a DNS error).
      throw error instanceof TypeError && error.cause instanceof Error ? error.cause : error;
    }
    if (response.ok) return (JSON.parse(text) as { SecretString?: string }).SecretString;
    const error = new SecretsManagerError(errorTypeOf(text, response.headers), response.status, response.headers.get('x-amzn-requestid') ?? undefined);
    if (attempt < MAX_ATTEMPTS && (response.status >= 500 || error.errorType === 'ThrottlingException')) {
      await pause(signal);
      continue;
    }
    throw error;
  }
}

/** RETRY_DELAY_MS to twice that, or until `signal` aborts. */
function pause(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, RETRY_DELAY_MS * (1 + Math.random()));
    signal.addEventListener('abort', done, { once: true });
  });
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
