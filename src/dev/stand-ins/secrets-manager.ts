/**
 * A local stand-in for AWS Secrets Manager on 127.0.0.1, speaking its wire
 * protocol (AWS JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`)
 * for one secret (and any others put beside it). It refuses requests that are not SigV4-signed for the
 * service, and can rotate or deny the value. `npm run dev` serves your
 * ANTHROPIC_API_KEY from it, so the function reads its key exactly as it
 * does on AWS; the tests use it the same way.
 */
import * as http from 'node:http';
import { listenOnLoopback } from '../loopback';

export interface SecretsManagerServer {
  readonly url: string;
  /** The ARN of the secret it serves. */
  readonly secretArn: string;
  /** Every GetSecretValue call: the secret asked for and the Authorization header. */
  readonly calls: Array<{ secretId: string; authorization: string }>;
  setSecret(value: string): void;
  /** Serves another secret beside the first (an MCP server's token, say), or changes its value. */
  putSecret(secretArn: string, value: string): void;
  /** Answers every read with this AWS error type (e.g. AccessDeniedException), or serves again with `undefined`. */
  deny(errorType: string | undefined): void;
  /** Leaves every read unanswered while `on` (a Secrets Manager that never answers). */
  hang(on: boolean): void;
  close(): Promise<void>;
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/[a-z0-9-]+\/secretsmanager\/aws4_request, SignedHeaders=.+, Signature=[0-9a-f]{64}$/;

export async function startSecretsManager(secretArn: string, initialValue: string): Promise<SecretsManagerServer> {
  let value = initialValue;
  const others = new Map<string, string>();
  let denial: string | undefined;
  let hanging = false;
  const calls: SecretsManagerServer['calls'] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const authorization = String(req.headers.authorization ?? '');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `local-${calls.length}` });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'UnknownOperationException' });
      if (!SIGV4.test(authorization)) return reply(403, { __type: 'com.amazon.coral.service#IncompleteSignatureException', message: 'not signed' });
      let secretId = '';
      try {
        const { SecretId } = JSON.parse(raw) as { SecretId?: unknown };
        secretId = typeof SecretId === 'string' ? SecretId : '';
      } catch {
        return reply(400, { __type: 'com.amazon.coral.service#SerializationException' });
      }
      calls.push({ secretId, authorization });
      if (hanging) return;
      if (denial) return reply(400, { __type: `com.amazonaws.secretsmanager#${denial}`, message: 'User is not authorized: secret value must not leak' });
      const served = secretId === secretArn ? value : others.get(secretId);
      if (served === undefined)
        return reply(400, { __type: 'com.amazonaws.secretsmanager#ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' });
      reply(200, { ARN: secretId, Name: secretId.split(':').pop(), SecretString: served, VersionId: 'local-v1', VersionStages: ['AWSCURRENT'] });
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    secretArn,
    calls,
    setSecret: (next) => void (value = next),
    putSecret: (arn, next) => void others.set(arn, next),
    deny: (errorType) => void (denial = errorType),
    hang: (on) => void (hanging = on),
    close: listening.close,
  };
}
