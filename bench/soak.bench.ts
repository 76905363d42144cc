/**
 * Soak: 10,000 sequential invocations of the built handler in one warm
 * process, against the local Messages API. Reports RSS growth and the
 * process's active handles and listeners before and after.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startMessagesApi } from '../test/fixtures/servers/messages-api';
import { benchContext, functionUrlEvent, loadBuiltHandler, withQuietLogs } from './built-handler';
import type { Row } from './lib';

const INVOCATIONS = 10_000;
const WARMUP = 300;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function snapshot() {
  gc();
  gc();
  const resources = process.getActiveResourcesInfo();
  const count = (type: string) => resources.filter((r) => r === type).length;
  const listeners = (['exit', 'uncaughtException', 'unhandledRejection', 'warning'] as const).reduce((sum, e) => sum + process.listenerCount(e), 0);
  const memory = process.memoryUsage();
  return { rssMb: memory.rss / 1024 / 1024, heapMb: memory.heapUsed / 1024 / 1024, sockets: count('TCPSocketWrap'), timers: count('Timeout'), listeners };
}

export async function benchSoak(): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-soak-'));
  const api = await startMessagesApi();
  const saved = { ...process.env };
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'Soak answer with a few words in it.' }] });
    Object.assign(process.env, { LLM_PROVIDER: 'anthropic', MODEL_ID: 'claude-sonnet-5-5', ANTHROPIC_API_KEY: 'sk-soak', ANTHROPIC_BASE_URL: api.url });
    const { handler } = await loadBuiltHandler(dir);
    return await withQuietLogs(async () => {
      const call = async (i: number) => {
        const r = await handler(functionUrlEvent(`question ${i}`), benchContext());
        if (r.statusCode !== 200) throw new Error(`invocation ${i} answered ${r.statusCode}: ${r.body}`);
      };
      for (let i = 0; i < WARMUP; i += 1) await call(i);
      api.requests.length = 0;
      const before = snapshot();
      for (let i = 0; i < INVOCATIONS; i += 1) {
        await call(i);
        // The mock records every request; that memory is the bench's, not the handler's.
        if (i % 500 === 0) api.requests.length = 0;
      }
      api.requests.length = 0;
      const after = snapshot();
      return [
        { name: `RSS after ${INVOCATIONS} invocations`, value: after.rssMb, unit: 'MB', baselineName: 'after warm-up', baseline: before.rssMb, target: { max: 20, of: 'delta' } },
        { name: 'V8 heap used', value: after.heapMb, unit: 'MB', baselineName: 'after warm-up', baseline: before.heapMb },
        { name: 'open sockets', value: after.sockets, unit: 'count', baselineName: 'after warm-up', baseline: before.sockets, target: { max: 0, of: 'delta' } },
        { name: 'pending timers', value: after.timers, unit: 'count', baselineName: 'after warm-up', baseline: before.timers, target: { max: 0, of: 'delta' } },
        { name: 'process listeners', value: after.listeners, unit: 'count', baselineName: 'after warm-up', baseline: before.listeners, target: { max: 0, of: 'delta' } },
      ];
    });
  } finally {
    process.env = saved;
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
