/**
 * Soak: 10,000 sequential invocations of the zip in one warm execution
 * environment under the runtime client, against the local Messages API.
 * Reports the environment process's resident memory and open file
 * descriptors (sockets included) after warm-up and at the end: a leak of
 * either grows with every invocation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSecretsManager } from '../src/dev/stand-ins/secrets-manager';
import { startMessagesApi } from '../src/dev/stand-ins/messages-api';
import type { Row } from './lib';
import { anthropicBenchEnv, BENCH_SECRET_ARN, buildZip, functionUrlEvent, zipFunction } from './zip-function';

const INVOCATIONS = 10_000;
const WARMUP = 300;

/** Resident memory and open descriptors of a process, from /proc. */
function snapshot(pid: number): { rssMb: number; fds: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return { rssMb: rssKb / 1024, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

export async function benchSoak(): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-soak-'));
  const api = await startMessagesApi();
  const secrets = await startSecretsManager(BENCH_SECRET_ARN, 'sk-soak');
  const { taskRoot } = await buildZip(dir);
  const fn = zipFunction(taskRoot, 'index.handler', anthropicBenchEnv(api.url, secrets.url));
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'Soak answer with a few words in it.' }] });
    const call = async (i: number) => {
      const { outcome } = await fn.invoke({ event: functionUrlEvent(`question ${i}`), timeoutMs: 30_000 });
      if (outcome.kind !== 'response' || !outcome.payload.includes('"statusCode":200'))
        throw new Error(`invocation ${i} failed: ${JSON.stringify(outcome).slice(0, 300)}`);
    };
    for (let i = 0; i < WARMUP; i += 1) await call(i);
    const pid = fn.pid;
    if (pid === undefined) throw new Error('the execution environment is not running');
    api.requests.length = 0;
    const before = snapshot(pid);
    let halfway = before;
    for (let i = 0; i < INVOCATIONS; i += 1) {
      await call(i);
      // The mock records every request; that memory is the bench's, not the function's.
      if (i % 500 === 0) api.requests.length = 0;
      if (i === INVOCATIONS / 2) halfway = snapshot(pid);
    }
    if (fn.pid !== pid) throw new Error('the execution environment was replaced during the soak (a crash or timeout)');
    const after = snapshot(pid);
    // V8 grows its heap lazily up to the limits Lambda sets, so growth over the whole run says little;
    // a leak keeps growing through the second half, a heap that has settled does not.
    return [
      { name: `environment RSS after ${INVOCATIONS} invocations`, value: after.rssMb, unit: 'MB', baselineName: 'after warm-up', baseline: before.rssMb },
      {
        name: `environment RSS, second half (${INVOCATIONS / 2} invocations)`,
        value: after.rssMb,
        unit: 'MB',
        baselineName: 'halfway',
        baseline: halfway.rssMb,
        target: { max: 20, of: 'delta' },
      },
      {
        name: 'environment open descriptors',
        value: after.fds,
        unit: 'count',
        baselineName: 'after warm-up',
        baseline: before.fds,
        target: { max: 0, of: 'delta' },
      },
    ];
  } finally {
    await fn.close();
    await Promise.all([api.close(), secrets.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
