/**
 * Runtime benchmark against a zero-latency local Messages API: the handler's
 * overhead per request over calling the SDK directly, time to first SSE byte
 * over the mock's first token, and one turn of four 200 ms tools.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { RuntimeResponseStream } from '../src/dev/lambda-runtime';
import { Deadline } from '../src/function/agent/deadline';
import { runToolCalls } from '../src/function/agent/tool-runner';
import type { Tool } from '../src/function/tools/types';
import { startMessagesApi } from '../test/fixtures/servers/messages-api';
import { benchContext, functionUrlEvent, loadBuiltHandler } from './built-handler';
import { median, percentile, type Row } from './lib';

const REQUESTS = 400;
const STREAM_RUNS = 40;
const event = functionUrlEvent;
const context = benchContext;

export async function benchRuntime(): Promise<Row[]> {
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-runtime-'));
  const api = await startMessagesApi();
  const saved = { ...process.env };
  // The bundle's log lines go to stdout; silence it for the measured loop.
  const write = process.stdout.write.bind(process.stdout);
  let quiet = true;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (quiet && String(chunk).startsWith('{"level"') ? true : write(chunk, ...rest))) as typeof process.stdout.write;
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'The answer is forty-two.' }] });
    Object.assign(process.env, { LLM_PROVIDER: 'anthropic', MODEL_ID: 'claude-sonnet-5-5', ANTHROPIC_API_KEY: 'sk-bench', ANTHROPIC_BASE_URL: api.url });
    delete process.env.AWS_EXECUTION_ENV;
    const { handler, streamHandler } = await loadBuiltHandler(unpacked);

    // Baseline: the SDK alone, the same streamed call the agent makes.
    const sdk = new Anthropic({ apiKey: 'sk-bench', baseURL: api.url, maxRetries: 0 });
    const direct = async () => sdk.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'q' }] }).finalMessage();
    const viaHandler = async () => {
      const r = await handler(event('q'), context());
      if (r.statusCode !== 200) throw new Error(`handler answered ${r.statusCode}: ${r.body}`);
    };
    for (let i = 0; i < 30; i += 1) await Promise.all([direct(), viaHandler()]); // warm up
    const sdkTimes: number[] = [];
    const handlerTimes: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      let t = performance.now();
      await direct();
      sdkTimes.push(performance.now() - t);
      t = performance.now();
      await viaHandler();
      handlerTimes.push(performance.now() - t);
    }

    // Time to first SSE byte, against the moment the mock wrote its first token.
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'one two three four five six seven eight' }], tokenDelayMs: 5 });
    const added: number[] = [];
    for (let i = 0; i < STREAM_RUNS; i += 1) {
      let firstText: number | undefined;
      const stream = new RuntimeResponseStream((chunk) => {
        if (firstText === undefined && chunk.bytes.toString().startsWith('event: text')) firstText = performance.now();
      });
      await streamHandler(event('q'), stream, context());
      const token = api.firstTokenAt();
      if (firstText === undefined || token === undefined) throw new Error('no text event or no token time');
      added.push(firstText - token);
    }

    // Four 200 ms tools in one turn, against the same four run one after another.
    const slow: Tool<Record<string, unknown>> = { name: 'slow', description: '', inputSchema: { type: 'object' }, run: () => new Promise((r) => setTimeout(() => r('ok'), 200)) };
    const calls = ['a', 'b', 'c', 'd'].map((id) => ({ type: 'tool_use' as const, id, name: 'slow', input: {}, caller: undefined as never }));
    const options = { timeoutMs: 5_000, deadline: new Deadline(60_000), events: {}, findTool: () => slow };
    let t = performance.now();
    for (const call of calls) await runToolCalls([call], options);
    const sequential = performance.now() - t;
    t = performance.now();
    await runToolCalls(calls, options);
    const concurrent = performance.now() - t;

    return [
      { name: `handler request p50 (${REQUESTS} requests)`, value: median(handlerTimes), unit: 'ms', baselineName: 'SDK alone', baseline: median(sdkTimes), target: { max: 2, of: 'delta' } },
      { name: 'handler request p99', value: percentile(handlerTimes, 99), unit: 'ms', baselineName: 'SDK alone p99', baseline: percentile(sdkTimes, 99) },
      { name: `first SSE text byte after mock's first token (median of ${STREAM_RUNS})`, value: median(added), unit: 'ms', baselineName: 'zero', baseline: 0, target: { max: 5, of: 'value' } },
      { name: 'turn of 4 tools x 200 ms', value: concurrent, unit: 'ms', baselineName: 'same 4 in sequence', baseline: sequential, target: { max: 300, of: 'value' } },
    ];
  } finally {
    quiet = false;
    process.stdout.write = write;
    process.env = saved;
    await api.close();
    fs.rmSync(unpacked, { recursive: true, force: true });
  }
}
