/** current_time reports now in UTC and in a named time zone. */
import { currentTime } from '../../../src/function/tools/current-time';

const signal = new AbortController().signal;

describe('current_time', () => {
  test('returns UTC ISO time close to now, and the local rendering for the zone', async () => {
    const before = Date.now();
    const out = JSON.parse(await currentTime.run({ timezone: 'Asia/Tokyo' }, { signal }));
    expect(Math.abs(Date.parse(out.utc) - before)).toBeLessThan(5_000);
    expect(out.timezone).toBe('Asia/Tokyo');
    expect(out.local).toMatch(/GMT\+9/);
  });

  test('defaults to UTC', async () => {
    expect(JSON.parse(await currentTime.run({}, { signal })).timezone).toBe('UTC');
  });

  test('rejects an unknown time zone, naming it', () => {
    expect(() => currentTime.run({ timezone: 'Mars/Olympus' }, { signal })).toThrow('Unknown time zone "Mars/Olympus"');
  });
});
