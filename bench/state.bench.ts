/**
 * Sessions and budgets: what the state table adds per request, against the
 * same zip with both off, in the same run. The table is a local DynamoDB
 * (dynalite) on 127.0.0.1, so the figures are the function's own work plus
 * loopback round trips; on AWS add DynamoDB's latency (single-digit ms per
 * call, five calls per request with a session and both budgets on).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { httpResponseOf } from '../src/dev/lambda/function-url';
import { startDynamoDb } from '../src/dev/stand-ins/dynamodb';
import { startSecretsManager } from '../src/dev/stand-ins/secrets-manager';
import { startMessagesApi } from '../src/dev/stand-ins/messages-api';
import { median, percentile, type Row } from './lib';
import { anthropicBenchEnv, BENCH_SECRET_ARN, benchNode, buildZip, functionUrlEvent, zipFunction } from './zip-function';

const REQUESTS = 300;
const COLD_STARTS = 8;
/** A new session every this many requests: a conversation grows, then starts over. */
const TURNS_PER_SESSION = 10;

export async function benchState(): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-state-'));
  const [api, secrets, dynamodb] = await Promise.all([startMessagesApi(), startSecretsManager(BENCH_SECRET_ARN, 'sk-bench'), startDynamoDb()]);
  const node = benchNode();
  const off = anthropicBenchEnv(api.url, secrets.url);
  const on = {
    ...off,
    SESSIONS_ENABLED: 'true',
    CALLER_DAILY_TOKEN_BUDGET: '1000000000',
    DAILY_COST_BUDGET_USD: '1000000',
    STATE_TABLE_NAME: dynamodb.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
  };
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'The answer is forty-two.' }] });
    const agent = await buildZip(path.join(dir, 'agent'));
    const ok = (outcome: unknown) => {
      const o = outcome as Parameters<typeof httpResponseOf>[0];
      if (o.kind !== 'response' || httpResponseOf(o).status !== 200) throw new Error(`invocation failed: ${JSON.stringify(outcome).slice(0, 500)}`);
    };
    const event = (i: number) => functionUrlEvent('q', '/agent', { session_id: `bench-session-${Math.floor(i / TURNS_PER_SESSION)}` });

    // Cold start to the first answer: the DynamoDB client is loaded on first use.
    const coldOff: number[] = [];
    const coldOn: number[] = [];
    for (let i = 0; i < COLD_STARTS; i += 1) {
      for (const [env, times, ev] of [
        [off, coldOff, functionUrlEvent('q')],
        [on, coldOn, event(i * TURNS_PER_SESSION)],
      ] as const) {
        const fn = zipFunction(agent.taskRoot, 'index.handler', env, node);
        const started = performance.now();
        const { outcome } = await fn.invoke({ event: ev, timeoutMs: 30_000 });
        times.push(performance.now() - started);
        await fn.close();
        ok(outcome);
      }
    }

    // Warm requests, interleaved: with a session and both budgets, against neither.
    const plain = zipFunction(agent.taskRoot, 'index.handler', off, node);
    const stateful = zipFunction(agent.taskRoot, 'index.handler', on, node);
    for (let i = 0; i < 20; i += 1) {
      ok((await plain.invoke({ event: functionUrlEvent('q'), timeoutMs: 60_000 })).outcome);
      ok((await stateful.invoke({ event: functionUrlEvent('q', '/agent', { session_id: 'bench-warmup' }), timeoutMs: 60_000 })).outcome);
    }
    const offTimes: number[] = [];
    const onTimes: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      let t = performance.now();
      ok((await plain.invoke({ event: functionUrlEvent('q'), timeoutMs: 60_000 })).outcome);
      offTimes.push(performance.now() - t);
      t = performance.now();
      ok((await stateful.invoke({ event: event(COLD_STARTS * TURNS_PER_SESSION + i), timeoutMs: 60_000 })).outcome);
      onTimes.push(performance.now() - t);
    }
    await Promise.all([plain.close(), stateful.close()]);

    return [
      {
        name: `cold start to first answer, state on (median of ${COLD_STARTS})`,
        value: median(coldOn),
        unit: 'ms',
        baselineName: 'state off',
        baseline: median(coldOff),
      },
      { name: `warm request p50, session + budgets (${REQUESTS})`, value: median(onTimes), unit: 'ms', baselineName: 'state off', baseline: median(offTimes) },
      {
        name: 'warm request p99, session + budgets',
        value: percentile(onTimes, 99),
        unit: 'ms',
        baselineName: 'state off p99',
        baseline: percentile(offTimes, 99),
      },
    ];
  } finally {
    await Promise.all([api.close(), secrets.close(), dynamodb.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
