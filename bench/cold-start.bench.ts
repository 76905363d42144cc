/**
 * Cold starts of the zip under Lambda's runtime interface client, each
 * figure against a baseline from the same run:
 * - the init phase against a hello-world zip's, on each provider;
 * - the first request of a new execution environment against the warm
 *   request after it, with zero-latency stand-ins and again with a 50 ms
 *   network in front of them (startDelayProxy: a new connection costs its
 *   handshakes), where the difference is counted in round trips;
 * - the init phase and first request with tools that reach the user's
 *   systems (an MCP server with a token secret, a knowledge base, server
 *   tools) against the same configuration without them;
 * - the code init loads (the build's init set) and the whole zip.
 * Rounds are interleaved, so machine noise hits every configuration alike.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { httpResponseOf } from '../src/dev/lambda/function-url';
import type { InvocationOutcome } from '../src/dev/lambda/invocation';
import { startMcpServer } from '../src/dev/stand-ins/mcp-server';
import { startMessagesApi } from '../src/dev/stand-ins/messages-api';
import { startSecretsManager } from '../src/dev/stand-ins/secrets-manager';
import { median, type Row } from './lib';
import { startDelayProxy, type DelayProxy } from './network-delay';
import { anthropicBenchEnv, BENCH_SECRET_ARN, benchNode, buildZip, functionUrlEvent, zipFunction } from './zip-function';

const ROUNDS = 11;
const MCP_TOKEN = 'bench-mcp-token';
const MCP_TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-mcp-token-AbCdEf';
/** The simulated network's round trip. @unit ms */
const ROUND_TRIP_MS = 50;

interface Sample {
  init: number;
  first: number;
  warm: number;
}

export async function benchColdStart(): Promise<{ node: string; rows: Row[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-cold-'));
  const api = await startMessagesApi();
  const secrets = await startSecretsManager(BENCH_SECRET_ARN, 'sk-bench');
  const mcp = await startMcpServer({ bearer: MCP_TOKEN });
  secrets.putSecret(MCP_TOKEN_ARN, MCP_TOKEN);
  const proxies: DelayProxy[] = [];
  const node = benchNode();
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'The answer is forty-two.' }] });
    const agent = await buildZip(path.join(dir, 'agent'));
    const hello = await buildZip(path.join(dir, 'hello'), 'bench/fixtures/hello-world.ts');
    const anthropic = (apiUrl: string, secretsUrl: string) => anthropicBenchEnv(apiUrl, secretsUrl);
    const bedrock = (apiUrl: string) => ({ LLM_PROVIDER: 'bedrock', MODEL_ID: 'us.anthropic.claude-sonnet-5-5', ANTHROPIC_BEDROCK_BASE_URL: apiUrl });
    // The tools of #27 on: init lists the MCP server's tools (reading its token); the request offers them all.
    const withTools = {
      ...anthropic(api.url, secrets.url),
      MCP_SERVERS: JSON.stringify({ orders: { url: mcp.url, auth_secret_arn: MCP_TOKEN_ARN, allowed_tools: ['lookup_order', 'list_orders'] } }),
      KNOWLEDGE_BASE_IDS: 'KB12345678',
      SERVER_TOOLS: 'web_search,web_fetch',
    };

    /** A new execution environment: its init, its first request, and the warm request after it. */
    const coldStart = async (taskRoot: string, env: Record<string, string>): Promise<Sample> => {
      const fn = zipFunction(taskRoot, 'index.handler', env, node);
      try {
        const init = await fn.warm();
        let t = performance.now();
        check((await fn.invoke({ event: functionUrlEvent('q'), timeoutMs: 30_000 })).outcome);
        const first = performance.now() - t;
        t = performance.now();
        check((await fn.invoke({ event: functionUrlEvent('q'), timeoutMs: 30_000 })).outcome);
        return { init, first, warm: performance.now() - t };
      } finally {
        await fn.close();
      }
    };
    // Each delayed configuration gets its own proxies, so no connection outlives its environment's round.
    const delayed = async () => {
      const [apiProxy, secretsProxy] = await Promise.all([startDelayProxy(api.url, ROUND_TRIP_MS), startDelayProxy(secrets.url, ROUND_TRIP_MS)]);
      proxies.push(apiProxy, secretsProxy);
      return { api: apiProxy.url, secrets: secretsProxy.url };
    };
    const samples: Record<'hello' | 'anthropic' | 'tools' | 'bedrock' | 'anthropicDelayed' | 'bedrockDelayed', Sample[]> = {
      hello: [],
      anthropic: [],
      tools: [],
      bedrock: [],
      anthropicDelayed: [],
      bedrockDelayed: [],
    };
    for (let i = 0; i < ROUNDS; i += 1) {
      samples.hello.push(await coldStart(hello.taskRoot, {}));
      samples.anthropic.push(await coldStart(agent.taskRoot, anthropic(api.url, secrets.url)));
      samples.tools.push(await coldStart(agent.taskRoot, withTools));
      samples.bedrock.push(await coldStart(agent.taskRoot, bedrock(api.url)));
      const slow = await delayed();
      samples.anthropicDelayed.push(await coldStart(agent.taskRoot, anthropic(slow.api, slow.secrets)));
      samples.bedrockDelayed.push(await coldStart(agent.taskRoot, bedrock((await delayed()).api)));
    }
    const of = (name: keyof typeof samples, field: keyof Sample) => median(samples[name].map((s) => s[field]));
    const roundTrips = (name: keyof typeof samples) => median(samples[name].map((s) => (s.first - s.warm) / ROUND_TRIP_MS));
    return {
      node: `${node.label} ${node.version}`,
      rows: [
        {
          name: `init phase, anthropic, optional features off (median of ${ROUNDS})`,
          value: of('anthropic', 'init'),
          unit: 'ms',
          baselineName: 'hello-world zip',
          baseline: of('hello', 'init'),
          target: { max: 25, of: 'delta' },
        },
        {
          name: `init phase, bedrock (median of ${ROUNDS})`,
          value: of('bedrock', 'init'),
          unit: 'ms',
          baselineName: 'hello-world zip',
          baseline: of('hello', 'init'),
        },
        {
          name: 'first request after init, anthropic + secret',
          value: of('anthropic', 'first'),
          unit: 'ms',
          baselineName: 'the warm request after it',
          baseline: of('anthropic', 'warm'),
          target: { max: 20, of: 'delta' },
        },
        {
          name: 'first request after init, bedrock',
          value: of('bedrock', 'first'),
          unit: 'ms',
          baselineName: 'the warm request after it',
          baseline: of('bedrock', 'warm'),
          target: { max: 20, of: 'delta' },
        },
        {
          name: 'init phase, anthropic, with an MCP server (its tools listed at init), a knowledge base and server tools',
          value: of('tools', 'init'),
          unit: 'ms',
          baselineName: 'the same without them',
          baseline: of('anthropic', 'init'),
        },
        {
          name: 'first request after init, with them',
          value: of('tools', 'first'),
          unit: 'ms',
          baselineName: 'the warm request after it',
          baseline: of('tools', 'warm'),
        },
        {
          name: `init phase, anthropic, ${ROUND_TRIP_MS} ms network`,
          value: of('anthropicDelayed', 'init'),
          unit: 'ms',
          baselineName: 'hello-world zip',
          baseline: of('hello', 'init'),
        },
        {
          name: `first request after init, anthropic + secret, ${ROUND_TRIP_MS} ms network`,
          value: of('anthropicDelayed', 'first'),
          unit: 'ms',
          baselineName: 'the warm request after it',
          baseline: of('anthropicDelayed', 'warm'),
        },
        {
          name: `  round trips the first request adds, anthropic (${ROUND_TRIP_MS} ms each)`,
          value: roundTrips('anthropicDelayed'),
          unit: 'count',
          baselineName: 'zero',
          baseline: 0,
        },
        {
          name: `first request after init, bedrock, ${ROUND_TRIP_MS} ms network`,
          value: of('bedrockDelayed', 'first'),
          unit: 'ms',
          baselineName: 'the warm request after it',
          baseline: of('bedrockDelayed', 'warm'),
        },
        {
          name: `  round trips the first request adds, bedrock (${ROUND_TRIP_MS} ms each)`,
          value: roundTrips('bedrockDelayed'),
          unit: 'count',
          baselineName: 'zero',
          baseline: 0,
        },
        {
          name: 'code every cold start loads (index.mjs and its static imports)',
          value: agent.manifest.init_bytes / 1024,
          unit: 'KiB',
          baselineName: 'init budget',
          baseline: agent.initBudgetBytes / 1024,
          target: { max: agent.initBudgetBytes / 1024, of: 'value' },
        },
        {
          name: 'zip',
          value: agent.zipBytes / 1024,
          unit: 'KiB',
          baselineName: 'size budget',
          baseline: agent.sizeBudgetBytes / 1024,
          target: { max: agent.sizeBudgetBytes / 1024, of: 'value' },
        },
      ],
    };
  } finally {
    await Promise.all([api.close(), secrets.close(), mcp.close(), ...proxies.map((p) => p.close())]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function check(outcome: InvocationOutcome): void {
  if (outcome.kind !== 'response' || httpResponseOf(outcome).status !== 200) throw new Error(`invocation failed: ${JSON.stringify(outcome).slice(0, 500)}`);
}
