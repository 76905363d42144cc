/**
 * `npm run invoke -- "question" [options]`: asks the agent, locally or on AWS,
 * and prints the answer as it streams in. SigV4 for AWS_IAM Function URLs,
 * a bearer token for NONE, nothing for the local dev server.
 */
import { parseArgs } from 'node:util';
import type { AgentResult } from '../function/agent/loop';
import { runCommand, TARGET_OPTIONS } from './args';
import { pickAuth, regionOfFunctionUrl, signForFunctionUrl, type AuthMode } from './sign';
import { SseReader } from './sse-reader';

const USAGE = `Usage: npm run invoke -- "your question" [options]

  --url <url>        Function URL, or the local dev server (default AGENT_URL, else http://127.0.0.1:3000)
  --auth <mode>      iam, token or none (default: iam for *.lambda-url.*.on.aws, token when a token is set, else none)
  --token <token>    bearer token for NONE-auth URLs (default AGENT_TOKEN)
  --region <region>  Region for SigV4 (default: from the URL, else AWS_REGION)
  --json             print the final JSON instead of the streamed text`;

export interface InvokeOptions {
  readonly question: string;
  readonly url: string;
  readonly auth: AuthMode;
  readonly token?: string;
  readonly region?: string;
  readonly json?: boolean;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The contract's error body. */
interface ErrorBody {
  readonly error: { readonly type: string; readonly message: string };
}

/** Returns the process exit code: 0 for an answer, 1 for an error response. */
export async function invoke(options: InvokeOptions): Promise<number> {
  const out = options.out ?? ((t: string) => process.stdout.write(t));
  const err = options.err ?? ((t: string) => process.stderr.write(t));
  const url = new URL('/agent', options.url);
  const body = JSON.stringify({ input: options.question });
  let headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
  if (options.auth === 'token') {
    if (!options.token) throw new Error('--auth token needs --token or AGENT_TOKEN.');
    headers.authorization = `Bearer ${options.token}`;
  } else if (options.auth === 'iam') {
    const region = options.region ?? regionOfFunctionUrl(url) ?? process.env.AWS_REGION;
    if (!region) throw new Error(`Cannot tell the Region of ${url.host}: pass --region.`);
    headers = await signForFunctionUrl({ url, method: 'POST', headers, body, region, credentials: options.credentials });
  }
  const response = await send(url, { method: 'POST', headers, body });
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream') && response.body) {
    const reader = new SseReader();
    const decoder = new TextDecoder();
    let failed = false;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const event of reader.push(decoder.decode(chunk, { stream: true }))) {
        if (event.event === 'text' && !options.json) out((JSON.parse(event.data) as { text: string }).text);
        else if (event.event === 'tool_use') {
          const call = JSON.parse(event.data) as { name: string; input: unknown };
          err(`\n[tool ${call.name} ${JSON.stringify(call.input)}]\n`);
        } else if (event.event === 'done') {
          const result = JSON.parse(event.data) as AgentResult;
          if (options.json) out(`${JSON.stringify(result, null, 2)}\n`);
          else err(`\n${usageLine(result)}\n`);
        } else if (event.event === 'error') {
          failed = true;
          const { error } = JSON.parse(event.data) as ErrorBody;
          err(`\nerror (${error.type}): ${error.message}\n`);
        }
      }
    }
    return failed ? 1 : 0;
  }
  const text = await response.text();
  let json: (Partial<AgentResult> & Partial<ErrorBody>) | undefined;
  try {
    json = JSON.parse(text) as Partial<AgentResult> & Partial<ErrorBody>;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    err(`error ${response.status}${json?.error ? ` (${json.error.type}): ${json.error.message}` : `: ${text.slice(0, 500)}`}\n`);
    return 1;
  }
  if (options.json) {
    out(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  out(`${json?.output ?? text}\n`);
  // A buffered answer: its tool calls and usage after it, on stderr as when streaming.
  if (json?.usage && json.tool_calls) {
    for (const call of json.tool_calls) err(`[tool ${call.name}${call.is_error ? ' failed' : ''}, ${call.duration_ms} ms]\n`);
    err(`${usageLine(json as AgentResult)}\n`);
  }
  return 0;
}

/** `[2 model call(s), 1 tool call(s), 25 in / 12 out tokens, ~$0.0002]` */
function usageLine(result: AgentResult): string {
  return `[${result.iterations} model call(s), ${result.tool_calls.length} tool call(s), ${result.usage.input_tokens} in / ${result.usage.output_tokens} out tokens, ~$${result.cost_usd ?? '?'}]`;
}

/** fetch, with "fetch failed" turned into what is not listening and how to start it. */
async function send(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    throw new Error(
      local
        ? `Nothing answered at ${url.origin} (${why}). Start the dev server with \`npm run dev\` (it prints the address it listens on), or pass --url with your Function URL.`
        : `Could not reach ${url.origin} (${why}). Check the URL (terraform output -raw function_url) and your network.`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const url = values.url ?? process.env.AGENT_URL ?? 'http://127.0.0.1:3000';
  const token = values.token ?? process.env.AGENT_TOKEN;
  const auth = pickAuth(new URL(url), token, values.auth);
  return invoke({ question: positionals.join(' '), url, auth, token, region: values.region, json: values.json });
}

if (require.main === module) runCommand(main, USAGE);
