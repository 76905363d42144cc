/**
 * The pure parts of sessions and budgets, on source: how turns are bounded
 * and how the UTC day ends. (Their behaviour against DynamoDB is tested
 * through the zip in test/artifact/sessions.test.ts and budgets.test.ts.)
 */
import { secondsToUtcMidnight, utcDay } from '../../../src/function/state/budgets';
import { boundTurns, MAX_STORED_TURN_BYTES, type SessionTurn } from '../../../src/function/state/sessions';

const AT = '2026-11-25T00:00:00.000Z';
const turn = (role: 'user' | 'assistant', content: string): SessionTurn => ({ role, content, at: AT });
const exchange = (n: number) => [turn('user', `q${n}`), turn('assistant', `a${n}`)];
const storedBytes = (turns: readonly SessionTurn[]) => Buffer.byteLength(JSON.stringify(turns), 'utf8');

describe('boundTurns', () => {
  test('keeps the newest max turns, oldest dropped first', () => {
    const kept = boundTurns([...exchange(1), ...exchange(2), ...exchange(3)], 4);
    expect(kept.map((t) => t.content)).toEqual(['q2', 'a2', 'q3', 'a3']);
  });

  test('an odd maximum never starts with an assistant turn', () => {
    const kept = boundTurns([...exchange(1), ...exchange(2), ...exchange(3)], 3);
    expect(kept.map((t) => t.content)).toEqual(['q3', 'a3']);
  });

  test('drops old exchanges to stay under the byte limit', () => {
    const big = 'x'.repeat(120_000);
    const kept = boundTurns([turn('user', big), turn('assistant', big), turn('user', big), turn('assistant', 'short')], 200);
    expect(kept.map((t) => t.content.length)).toEqual([120_000, 5]);
    expect(storedBytes(kept)).toBeLessThan(MAX_STORED_TURN_BYTES + 1_000);
  });

  test.each([
    ['plain text', 'a'],
    ['characters JSON escapes six-fold', '\u0001'],
    ['quotes and backslashes', '"\\'],
    ['three-byte characters', '€'],
    ['astral characters', '😀'],
  ])('one exchange too large on its own is cut to fit, counting stored bytes: %s', (_label, unit) => {
    const huge = unit.repeat(600_000);
    const kept = boundTurns([turn('user', huge), turn('assistant', huge)], 20);
    expect(kept).toHaveLength(2);
    expect(storedBytes(kept)).toBeLessThanOrEqual(MAX_STORED_TURN_BYTES);
    for (const t of kept) expect(t.content).toMatch(/\[truncated: the rest did not fit in the session\]$/);
    // A cut never leaves half a surrogate pair.
    expect(kept.every((t) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(t.content))).toBe(true);
  });
});

describe('the UTC day', () => {
  test('names the day in UTC whatever the local zone', () => {
    expect(utcDay(Date.parse('2026-11-25T23:59:59.999Z'))).toBe('2026-11-25');
    expect(utcDay(Date.parse('2026-11-26T00:00:00.000Z'))).toBe('2026-11-26');
  });

  test('retry-after runs to the next UTC midnight, at least 1 s', () => {
    expect(secondsToUtcMidnight(Date.parse('2026-11-25T23:00:00.000Z'))).toBe(3_600);
    expect(secondsToUtcMidnight(Date.parse('2026-11-25T00:00:00.000Z'))).toBe(86_400);
    expect(secondsToUtcMidnight(Date.parse('2026-11-25T23:59:59.999Z'))).toBe(1);
  });
});
