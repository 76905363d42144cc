/**
 * `npm run load [-- options]`: N concurrent clients asking the agent for T
 * seconds or R requests, against a dev server this command starts with the
 * mock model (the default: free, and served as Lambda serves it, a pool of
 * execution environments that throttles beyond its size), an `npm run dev`
 * you started, or a deployed Function URL (signed with SigV4, or a bearer
 * token, per request). Prints p50/p95/p99 latency, time to first byte,
 * throughput and counts by status; `--json` writes the same as JSON.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { invokeModeOf, runCommand, TARGET_OPTIONS, wholeNumber } from '../args';
import { startDevCli, type RunningDevServer } from '../dev-process';
import type { InvokeMode } from '../server';
import { isLoopback, pickAuth, regionOfFunctionUrl, signForFunctionUrl } from '../sign';
import { formatReport } from './format';
import { runLoad, type LoadReport } from './run';

/** Requests allowed against a deployed URL without --yes: each is a billed model call. */
export const UNCONFIRMED_REMOTE_REQUESTS = 50;

const USAGE = `Usage: npm run load -- [options]

  --url <url>             what to load: an npm run dev server or a deployed Function URL
                          (default: a dev server this command starts, with the mock model)
  -c, --connections <n>   concurrent clients (default 4)
  -d, --duration <s>      run this many seconds (default 10)
  -n, --requests <n>      or send this many requests in all
  --input <text>          the question each request asks (default "What is 2^20?")
  --pool <n>              the started dev server's --concurrency (default 4)
  --invoke-mode <mode>    the started dev server's invoke mode: BUFFERED (default) or RESPONSE_STREAM
  --auth <mode>           iam, token or none (default: iam for *.lambda-url.*.on.aws, token when a token is set)
  --token <token>         bearer token for NONE-auth URLs (default AGENT_TOKEN)
  --region <region>       Region for SigV4 (default: from the URL, else AWS_REGION)
  --json <file>           also write the report as JSON
  --yes                   against a deployed URL, allow more than ${UNCONFIRMED_REMOTE_REQUESTS} requests: each one is a model call you pay for`;

/** SigV4 signatures are re-made this often during a run (AWS accepts them for 5 minutes). @unit ms */
const RESIGN_EVERY_MS = 60_000;

export interface LoadCommand {
  readonly url?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requests?: number;
  readonly input: string;
  readonly pool: number;
  readonly invokeMode: InvokeMode;
  readonly auth?: string;
  readonly token?: string;
  readonly region?: string;
  readonly json?: string;
  readonly yes: boolean;
}

export function parseLoadArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadCommand | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...TARGET_OPTIONS,
      connections: { type: 'string', short: 'c' },
      duration: { type: 'string', short: 'd' },
      requests: { type: 'string', short: 'n' },
      input: { type: 'string' },
      pool: { type: 'string' },
      'invoke-mode': { type: 'string' },
      json: { type: 'string' },
      yes: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const invokeMode = invokeModeOf(values['invoke-mode']);
  const input = values.input ?? 'What is 2^20?';
  if (input.trim() === '') throw new Error('--input is empty; give the question each request asks.');
  return {
    ...(values.url !== undefined ? { url: values.url } : {}),
    connections: wholeNumber(values.connections ?? '4', '--connections', 1, 1_000),
    durationSeconds: wholeNumber(values.duration ?? '10', '--duration', 1, 3_600),
    ...(values.requests !== undefined ? { requests: wholeNumber(values.requests, '--requests', 1, 10_000_000) } : {}),
    input,
    pool: wholeNumber(values.pool ?? '4', '--pool', 1, 64),
    invokeMode,
    ...(values.auth !== undefined ? { auth: values.auth } : {}),
    ...((values.token ?? env.AGENT_TOKEN) ? { token: values.token ?? env.AGENT_TOKEN } : {}),
    ...((values.region ?? env.AWS_REGION) ? { region: values.region ?? env.AWS_REGION } : {}),
    ...(values.json !== undefined ? { json: values.json } : {}),
    yes: values.yes,
  };
}

/**
 * Why a run against `url` must not start without --yes, or undefined when it may:
 * a deployed URL with no request count, or more than the unconfirmed limit.
 */
export function refusalFor(url: URL, command: Pick<LoadCommand, 'requests' | 'yes'>): string | undefined {
  if (isLoopback(url) || command.yes) return undefined;
  if (command.requests !== undefined && command.requests <= UNCONFIRMED_REMOTE_REQUESTS) return undefined;
  const how = command.requests === undefined ? 'a timed run sends an unknown number of requests' : `${command.requests} requests were asked for`;
  return (
    `Refusing to load ${url.origin}: ${how}, and each request to a deployed agent is a model call you pay for. ` +
    `Pass -n ${UNCONFIRMED_REMOTE_REQUESTS} or fewer, or --yes to confirm.`
  );
}

export async function load(command: LoadCommand, log: (line: string) => void): Promise<LoadReport> {
  let devServer: RunningDevServer | undefined;
  let base = command.url;
  if (base === undefined) {
    log(`starting a dev server with the mock model: --concurrency ${command.pool}, ${command.invokeMode}`);
    devServer = await startDevCli(['--mock-model', '--concurrency', String(command.pool), '--invoke-mode', command.invokeMode], {});
    base = devServer.url;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = new URL('/agent', base);
    const refusal = refusalFor(url, command);
    if (refusal) throw new Error(refusal);
    const body = JSON.stringify({ input: command.input });
    const auth = pickAuth(url, command.token, command.auth);
    let headers: Record<string, string> = {};
    let headersPerRequest: (() => Record<string, string>) | undefined;
    if (auth === 'token') {
      if (!command.token) throw new Error('--auth token needs --token or AGENT_TOKEN.');
      headers = { authorization: `Bearer ${command.token}` };
    } else if (auth === 'iam') {
      const region = command.region ?? regionOfFunctionUrl(url);
      if (!region) throw new Error(`Cannot tell the Region of ${url.host}: pass --region.`);
      const sign = () => signForFunctionUrl({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, region });
      let signed = await sign();
      // The same request signed in the same second is the same signature; a fresh one every minute keeps it valid.
      timer = setInterval(() => void sign().then((fresh) => (signed = fresh)), RESIGN_EVERY_MS);
      headersPerRequest = () => signed;
    }
    log(
      `loading ${url.href}: ${command.connections} connections, ${command.requests !== undefined ? `${command.requests} requests` : `${command.durationSeconds} s`}`,
    );
    return await runLoad({
      url: url.href,
      body,
      connections: command.connections,
      durationSeconds: command.durationSeconds,
      ...(command.requests !== undefined ? { requests: command.requests } : {}),
      headers,
      ...(headersPerRequest ? { headersPerRequest } : {}),
    });
  } finally {
    clearInterval(timer);
    await devServer?.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const command = parseLoadArgs(argv);
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await load(command, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatReport(report)}\n`);
  if (command.json) fs.writeFileSync(command.json, `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

if (require.main === module) runCommand(main, USAGE);
