/**
 * Request signing for the invoke client: SigV4 for AWS_IAM Function URLs
 * (service "lambda", Region from the URL or given), or a bearer token.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';

/** How a request proves who sends it: SigV4 (AWS_IAM URLs), a bearer token (NONE URLs with tokens), or nothing. */
export type AuthMode = 'iam' | 'token' | 'none';

/** `explicit` when given; else iam for a Function URL host without a token, token when one is set, none otherwise. */
export function pickAuth(url: URL, token: string | undefined, explicit?: string): AuthMode {
  const auth = explicit ?? (regionOfFunctionUrl(url) && !token ? 'iam' : token ? 'token' : 'none');
  if (auth !== 'iam' && auth !== 'token' && auth !== 'none') throw new Error(`--auth is "${auth}"; use iam, token or none.`);
  return auth;
}

/** Whether `url` is this machine (the dev server), where requests cost nothing. */
export function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

/** `https://<id>.lambda-url.<region>.on.aws/` → `<region>`. */
export function regionOfFunctionUrl(url: URL): string | undefined {
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname)?.[1];
}

export interface SignInput {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly region: string;
  /** @default - the AWS SDK's default credential chain (env, profile, SSO, …) */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export async function signForFunctionUrl(input: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'lambda',
    region: input.region,
    sha256: Sha256,
    credentials: input.credentials ?? fromNodeProviderChain(),
  });
  const query: Record<string, string> = {};
  for (const [key, value] of input.url.searchParams) query[key] = value;
  const signed = await signer.sign({
    method: input.method,
    protocol: input.url.protocol,
    hostname: input.url.hostname,
    port: input.url.port ? Number(input.url.port) : undefined,
    path: input.url.pathname,
    query,
    headers: { ...input.headers, host: input.url.host },
    body: input.body,
  });
  return signed.headers;
}
