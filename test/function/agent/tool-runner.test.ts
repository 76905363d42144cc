/** Tool calls of one turn run concurrently, each bounded by the tool timeout. */
import { Deadline } from '../../../src/function/agent/deadline';
import { runToolCalls } from '../../../src/function/agent/tool-runner';
import type { Tool } from '../../../src/function/tools/types';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

const slowTool = (ms: number): Tool<Record<string, unknown>> => ({
  name: 'slow',
  description: 'waits',
  inputSchema: { type: 'object' },
  async run(_input, { signal }) {
    await sleep(ms, signal);
    return `waited ${ms}`;
  },
});

const call = (id: string) => ({ type: 'tool_use' as const, id, name: 'slow', input: {}, caller: undefined as never });

describe('runToolCalls', () => {
  test('the calls of one turn overlap: every tool starts before any finishes', async () => {
    // (The wall-time figure, 4 x 200 ms in about 200 ms, is in `npm run bench`.)
    const log: string[] = [];
    const tracked: Tool<Record<string, unknown>> = {
      ...slowTool(50),
      async run(input, context) {
        log.push('start');
        const out = await slowTool(50).run(input, context);
        log.push('end');
        return out;
      },
    };
    const { results } = await runToolCalls([call('a'), call('b'), call('c'), call('d')], {
      timeoutMs: 5_000,
      deadline: new Deadline(30_000),
      events: {},
      findTool: () => tracked,
    });
    expect(results.map((r) => r.content)).toEqual(['waited 50', 'waited 50', 'waited 50', 'waited 50']);
    expect(log).toEqual(['start', 'start', 'start', 'start', 'end', 'end', 'end', 'end']);
  });

  test('a tool over its timeout is aborted and reported as an error', async () => {
    const { results, records } = await runToolCalls([call('a')], {
      timeoutMs: 50,
      deadline: new Deadline(30_000),
      events: {},
      findTool: () => slowTool(5_000),
    });
    expect(results[0]).toMatchObject({ is_error: true, content: 'The tool did not finish within 50 ms.' });
    expect(records[0].is_error).toBe(true);
  });

  test('events report each call before it starts and after it ends', async () => {
    const seen: string[] = [];
    await runToolCalls([call('a')], {
      timeoutMs: 1_000,
      deadline: new Deadline(30_000),
      events: { onToolUse: (e) => seen.push(`use:${e.id}`), onToolResult: (e) => seen.push(`result:${e.id}:${e.is_error}`) },
      findTool: () => slowTool(1),
    });
    expect(seen).toEqual(['use:a', 'result:a:false']);
  });
});
