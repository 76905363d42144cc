/**
 * The dev server serves concurrent requests as Lambda does: one invocation
 * per execution environment, new environments started on demand (cold
 * starts, in the request line) up to the concurrency, idle ones reused warm,
 * and a throttled Function URL's 429 beyond. With an echo function under the
 * real runtime client, which can be told to take its time.
 */
import * as path from 'node:path';
import { hostNode } from '../../src/dev/lambda/binaries';
import { FunctionPool } from '../../src/dev/lambda/function-pool';
import { startDevServer, type DevServer } from '../../src/dev/server';

const ECHO = path.join(__dirname, '..', 'fixtures', 'functions', 'echo');
const CONCURRENCY = 2;

describe('dev server concurrency (--concurrency 2)', () => {
  let server: DevServer;
  let pool: FunctionPool;
  const lines: string[] = [];
  const get = (delayMs: number) => fetch(`${server.url}/echo`, { headers: { 'x-echo-delay-ms': String(delayMs) } });

  beforeAll(async () => {
    pool = new FunctionPool({ taskRoot: ECHO, handler: 'index.handler', node: hostNode(), concurrency: CONCURRENCY });
    server = await startDevServer({ port: 0, target: () => pool, log: (line) => lines.push(line), timeoutSeconds: 30 });
  });
  afterAll(async () => {
    await server.close();
    await pool.close();
  });

  test('parallel requests beyond the concurrency get 429 in the shape of a throttled Function URL; the others run side by side', async () => {
    lines.length = 0;
    // Given both environments busy for a while
    const slow = [get(1_500), get(1_500)];
    await waitFor(() => pool.size === CONCURRENCY);
    // When a third and fourth request arrive
    const throttled = await Promise.all([get(0), get(0)]);
    // Then they are throttled at once
    for (const response of throttled) {
      expect(response.status).toBe(429);
      expect(response.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
      expect(await response.json()).toEqual({ Message: 'Rate Exceeded.' });
    }
    // And the first two both answer, from two different execution environments, each a cold start
    const answered = await Promise.all(slow);
    expect(answered.map((r) => r.status)).toEqual([200, 200]);
    expect(new Set(answered.map((r) => r.headers.get('x-echo-pid'))).size).toBe(2);
    expect(lines.filter((line) => / 200 .*cold start: init \d+ ms/.test(line))).toHaveLength(2);
    expect(lines.filter((line) => / 429 .*throttled: All 2 execution environments are busy/.test(line))).toHaveLength(2);
  });

  test('an idle environment is reused warm: no cold start, no new process', async () => {
    const pids = new Set(pool.pids.map(String));
    lines.length = 0;
    const responses = [await get(0), await get(0), await get(0)];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const response of responses) expect(pids.has(response.headers.get('x-echo-pid')!)).toBe(true);
    expect(lines.some((line) => /cold start/.test(line))).toBe(false);
    expect(pool.size).toBe(CONCURRENCY);
  });

  test('a function that overruns its timeout loses its environment; the next request starts a new one', async () => {
    const timeoutPool = new FunctionPool({ taskRoot: ECHO, handler: 'index.handler', node: hostNode(), concurrency: 1 });
    const timeoutServer = await startDevServer({ port: 0, target: () => timeoutPool, log: (line) => lines.push(line), timeoutSeconds: 1 });
    try {
      lines.length = 0;
      const first = await fetch(`${timeoutServer.url}/echo`, { headers: { 'x-echo-delay-ms': '3000' } });
      expect(first.status).toBe(502);
      expect(first.headers.get('x-amzn-errortype')).toBe('Sandbox.Timedout');
      const second = await fetch(`${timeoutServer.url}/echo`);
      expect(second.status).toBe(200);
      expect(lines[1]).toMatch(/ 200 .*cold start/);
      expect(first.headers.get('x-echo-pid')).toBeNull();
    } finally {
      await timeoutServer.close();
      await timeoutPool.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for the environments to start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
