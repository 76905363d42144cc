/**
 * Runtime benchmark: the zip under Lambda's runtime interface client, against
 * zero-latency local stand-ins (Messages API, Secrets Manager); cold starts
 * are cold-start.bench.ts's.
 * - the handler's overhead per request over calling the SDK directly;
 * - the time from the model's first token to the first SSE byte at the Runtime API;
 * - one turn of four 200 ms tools (run in process: it measures the tool runner).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { Deadline } from '../src/function/agent/deadline';
import { runToolCalls } from '../src/function/agent/tool-runner';
import type { Tool } from '../src/function/tools/types';
import { httpResponseOf } from '../src/dev/lambda/function-url';
import { startSecretsManager } from '../src/dev/stand-ins/secrets-manager';
import { startMessagesApi } from '../src/dev/stand-ins/messages-api';
import { median, percentile, type Row } from './lib';
import { anthropicBenchEnv, BENCH_SECRET_ARN, benchNode, buildZip, functionUrlEvent, zipFunction } from './zip-function';

const REQUESTS = 400;
const STREAM_RUNS = 40;

export async function benchRuntime(): Promise<{ node: string; rows: Row[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-runtime-'));
  const api = await startMessagesApi();
  const secrets = await startSecretsManager(BENCH_SECRET_ARN, 'sk-bench');
  const node = benchNode();
  const anthropicEnv = anthropicBenchEnv(api.url, secrets.url);
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'The answer is forty-two.' }] });
    const agent = await buildZip(path.join(dir, 'agent'));

    // Warm requests: the handler under the runtime client against the same streamed SDK call made directly.
    const fn = zipFunction(agent.taskRoot, 'index.handler', anthropicEnv, node);
    const sdk = new Anthropic({ apiKey: 'sk-bench', baseURL: api.url, maxRetries: 0 });
    const direct = async () => sdk.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'q' }] }).finalMessage();
    const viaZip = async () => {
      const { outcome } = await fn.invoke({ event: functionUrlEvent('q'), timeoutMs: 60_000 });
      if (outcome.kind !== 'response' || httpResponseOf(outcome).status !== 200) throw new Error(`invocation failed: ${JSON.stringify(outcome).slice(0, 500)}`);
    };
    for (let i = 0; i < 30; i += 1) await Promise.all([direct(), viaZip()]); // warm up
    const sdkTimes: number[] = [];
    const zipTimes: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      let t = performance.now();
      await direct();
      sdkTimes.push(performance.now() - t);
      t = performance.now();
      await viaZip();
      zipTimes.push(performance.now() - t);
    }
    await fn.close();

    // First SSE text byte at the Runtime API, against the moment the mock wrote its first token.
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'one two three four five six seven eight' }], tokenDelayMs: 5 });
    const streaming = zipFunction(agent.taskRoot, 'index.streamHandler', anthropicEnv, node);
    await streaming.warm();
    const added: number[] = [];
    for (let i = 0; i < STREAM_RUNS; i += 1) {
      let firstText: number | undefined;
      await streaming.invoke({
        event: functionUrlEvent('q'),
        timeoutMs: 60_000,
        onChunk: (chunk) => {
          if (firstText === undefined && chunk.bytes.includes('event: text')) firstText = chunk.at;
        },
      });
      const token = api.firstTokenAt();
      if (firstText === undefined || token === undefined) throw new Error('no text event or no token time');
      if (i > 0) added.push(firstText - token); // the first run pays for the key read
    }
    await streaming.close();

    // Four 200 ms tools in one turn, against the same four run one after another.
    const slow: Tool<Record<string, unknown>> = {
      name: 'slow',
      description: '',
      inputSchema: { type: 'object' },
      run: () => new Promise((r) => setTimeout(() => r('ok'), 200)),
    };
    const calls = ['a', 'b', 'c', 'd'].map((id) => ({ type: 'tool_use' as const, id, name: 'slow', input: {}, caller: undefined as never }));
    const options = { timeoutMs: 5_000, deadline: new Deadline(60_000), events: {}, findTool: () => slow };
    let t = performance.now();
    for (const call of calls) await runToolCalls([call], options);
    const sequential = performance.now() - t;
    t = performance.now();
    await runToolCalls(calls, options);
    const concurrent = performance.now() - t;

    return {
      node: `${node.label} ${node.version}`,
      rows: [
        {
          name: `warm request p50 (${REQUESTS} requests)`,
          value: median(zipTimes),
          unit: 'ms',
          baselineName: 'SDK alone',
          baseline: median(sdkTimes),
          target: { max: 2, of: 'delta' },
        },
        { name: 'warm request p99', value: percentile(zipTimes, 99), unit: 'ms', baselineName: 'SDK alone p99', baseline: percentile(sdkTimes, 99) },
        {
          name: `first SSE byte after first token (median of ${STREAM_RUNS - 1})`,
          value: median(added),
          unit: 'ms',
          baselineName: 'zero',
          baseline: 0,
          target: { max: 5, of: 'value' },
        },
        { name: 'first SSE byte after first token, p99', value: percentile(added, 99), unit: 'ms', baselineName: 'zero', baseline: 0 },
        {
          name: 'turn of 4 tools x 200 ms (in process)',
          value: concurrent,
          unit: 'ms',
          baselineName: 'same 4 in sequence',
          baseline: sequential,
          target: { max: 300, of: 'value' },
        },
      ],
    };
  } finally {
    await Promise.all([api.close(), secrets.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
