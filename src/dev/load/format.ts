/** A load report as the terminal shows it. */
import type { LoadReport } from './run';
import type { Distribution } from './stats';

const ms = (value: number) => (Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`);

function line(label: string, d: Distribution): string {
  return `${label.padEnd(12)}p50 ${ms(d.p50)}   p95 ${ms(d.p95)}   p99 ${ms(d.p99)}   (min ${ms(d.min)}, max ${ms(d.max)})`;
}

export function formatReport(report: LoadReport): string {
  const statuses = Object.entries(report.statusCounts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  return [
    `${report.url}: ${report.connections} connections, ${report.durationSeconds.toFixed(1)} s`,
    `${'responses'.padEnd(12)}${report.responses} (${report.throughputPerSecond.toFixed(1)}/s)`,
    line('latency', report.latencyMs),
    ...perStatus(report.latencyByStatusMs),
    line('first byte', report.firstByteMs),
    ...perStatus(report.firstByteByStatusMs),
    `${'status'.padEnd(12)}${statuses || 'none'}${report.errors ? `, connection errors: ${report.errors}` : ''}${report.timeouts ? `, timeouts: ${report.timeouts}` : ''}`,
  ].join('\n');
}

/** One line per status, when there is more than one status (else the whole says it all). */
function perStatus(byStatus: Readonly<Record<string, Distribution>>): string[] {
  if (Object.keys(byStatus).length < 2) return [];
  return Object.entries(byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, d]) => line(`  ${status}`, d));
}
