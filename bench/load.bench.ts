/**
 * `npm run load` against the dev server with the mock model, as the README
 * reports it: one dev server (pool of 4 execution environments, streaming),
 * 1, 4 and 8 concurrent clients for 10 s each. The mock streams a word every
 * 30 ms over two model calls (a tool call, then the answer), so an answer's
 * length is the mock's pace; what the figures show is how the pool scales
 * and throttles. Each concurrency is compared with one client.
 */
import { startDevCli } from '../src/dev/dev-process';
import { formatReport } from '../src/dev/load/format';
import { runLoad, type LoadReport } from '../src/dev/load/run';
import type { Row } from './lib';

const POOL = 4;
const CONCURRENCIES = [1, 4, 8] as const;
const DURATION_SECONDS = 10;
/** Longer than one answer of the mock (about 0.75 s). @unit ms */
const DRAIN_MS = 2_000;

export async function benchLoad(): Promise<{ rows: Row[]; reports: LoadReport[] }> {
  const server = await startDevCli(['--mock-model', '--concurrency', String(POOL), '--invoke-mode', 'RESPONSE_STREAM'], {});
  const reports: LoadReport[] = [];
  try {
    const body = JSON.stringify({ input: 'What is 2^20?' });
    // One warm-up request per environment, so the runs compare warm pools (cold starts are in the first run otherwise).
    await runLoad({ url: `${server.url}/agent`, body, connections: POOL, requests: POOL });
    for (const connections of CONCURRENCIES) {
      // A run ends with requests still under way on the server (the clients hang up; Lambda finishes
      // them anyway): let them drain, or the next run starts against a busy pool.
      await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
      reports.push(await runLoad({ url: `${server.url}/agent`, body, connections, durationSeconds: DURATION_SECONDS }));
    }
  } finally {
    await server.stop();
  }
  const [one] = reports;
  const ok = (r: LoadReport) => r.latencyByStatusMs['200'];
  const rows: Row[] = [];
  for (const report of reports.slice(1)) {
    const c = report.connections;
    rows.push(
      {
        name: `c=${c}: answers (200) per second`,
        value: (report.statusCounts['200'] ?? 0) / report.durationSeconds,
        unit: 'count',
        baselineName: 'c=1',
        baseline: (one.statusCounts['200'] ?? 0) / one.durationSeconds,
      },
      { name: `c=${c}: latency p50 (200)`, value: ok(report).p50, unit: 'ms', baselineName: 'c=1', baseline: ok(one).p50 },
      { name: `c=${c}: latency p99 (200)`, value: ok(report).p99, unit: 'ms', baselineName: 'c=1', baseline: ok(one).p99 },
      {
        name: `c=${c}: first byte p50 (200)`,
        value: report.firstByteByStatusMs['200'].p50,
        unit: 'ms',
        baselineName: 'c=1',
        baseline: one.firstByteByStatusMs['200'].p50,
      },
      {
        name: `c=${c}: throttled (429) responses`,
        value: report.statusCounts['429'] ?? 0,
        unit: 'count',
        baselineName: 'c=1',
        baseline: one.statusCounts['429'] ?? 0,
      },
    );
  }
  return { rows, reports };
}

/** The reports in full, as `npm run load` prints them. */
export function formatLoadReports(reports: readonly LoadReport[]): string {
  return reports.map((report) => formatReport(report)).join('\n\n');
}
