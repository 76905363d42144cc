/**
 * One load run: `connections` clients, each sending the same POST one after
 * the other (no pipelining, as a browser or SDK would), for a duration or a
 * number of requests, with autocannon as the load generator. Every response
 * is recorded here (status, full latency, time to first body byte), so the
 * percentiles are exact over all requests, not autocannon's buckets.
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { summarise, type Distribution } from './stats';

export interface LoadOptions {
  /** The full URL requests go to, e.g. http://127.0.0.1:3000/agent. */
  readonly url: string;
  /** The request body (JSON). */
  readonly body: string;
  /** Concurrent clients. */
  readonly connections: number;
  /** Run this long… @unit seconds */
  readonly durationSeconds?: number;
  /** …or send this many requests in all (wins over the duration). */
  readonly requests?: number;
  /** Headers of every request (content-type is set). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Headers computed per request (a SigV4 signature that must stay fresh).
   * Called synchronously for each request. @default - none
   */
  readonly headersPerRequest?: () => Readonly<Record<string, string>>;
  /** A request with no answer after this long counts as a timeout. @default 120 @unit seconds */
  readonly timeoutSeconds?: number;
}

export interface LoadReport {
  readonly url: string;
  readonly connections: number;
  /** Wall time of the run. @unit seconds */
  readonly durationSeconds: number;
  /** Responses received (any status). */
  readonly responses: number;
  /** Responses per second over the run. */
  readonly throughputPerSecond: number;
  /** Full response time, request written to last byte. @unit ms */
  readonly latencyMs: Distribution;
  /** The same, per HTTP status: a throttled 429 is fast, and would flatter the whole. @unit ms */
  readonly latencyByStatusMs: Readonly<Record<string, Distribution>>;
  /** Request written to the first body byte: what a streaming client waits before text shows. @unit ms */
  readonly firstByteMs: Distribution;
  /** The same, per HTTP status. @unit ms */
  readonly firstByteByStatusMs: Readonly<Record<string, Distribution>>;
  /** Responses by HTTP status, e.g. {"200": 95, "429": 5}. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Connection errors and timeouts (no HTTP status). */
  readonly errors: number;
  readonly timeouts: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  if (!Number.isInteger(options.connections) || options.connections < 1) throw new Error(`connections is ${options.connections}; use 1 or more.`);
  const latencies: number[] = [];
  const latenciesByStatus: Record<string, number[]> = {};
  const firstBytesByStatus: Record<string, number[]> = {};
  const firstBytes: number[] = [];
  const statusCounts: Record<string, number> = {};
  const headers = { 'content-type': 'application/json', ...options.headers };
  const started = performance.now();

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        timeout: options.timeoutSeconds ?? 120,
        ...(options.requests !== undefined ? { amount: options.requests } : { duration: options.durationSeconds ?? 10 }),
        requests: [
          {
            method: 'POST',
            body: options.body,
            headers,
            ...(options.headersPerRequest ? { setupRequest: (request) => ({ ...request, headers: { ...headers, ...options.headersPerRequest!() } }) } : {}),
          },
        ],
        setupClient: (client) => {
          let sentAt = 0;
          let firstByteAt: number | undefined;
          // 'request' is emitted as each request is written (autocannon's client; not in its typings).
          (client as unknown as NodeJS.EventEmitter).on('request', () => {
            sentAt = performance.now();
            firstByteAt = undefined;
          });
          client.on('body', () => {
            firstByteAt ??= performance.now();
          });
          client.on('response', (statusCode, _bytes, responseTime) => {
            const status = String(statusCode);
            const firstByte = (firstByteAt ?? performance.now()) - sentAt;
            latencies.push(responseTime);
            firstBytes.push(firstByte);
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            (latenciesByStatus[status] ??= []).push(responseTime);
            (firstBytesByStatus[status] ??= []).push(firstByte);
          });
        },
      },
      (error: Error | null, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
  });
  const durationSeconds = (performance.now() - started) / 1000;
  return {
    url: options.url,
    connections: options.connections,
    durationSeconds,
    responses: latencies.length,
    throughputPerSecond: latencies.length / durationSeconds,
    latencyMs: summarise(latencies),
    latencyByStatusMs: byStatus(latenciesByStatus),
    firstByteMs: summarise(firstBytes),
    firstByteByStatusMs: byStatus(firstBytesByStatus),
    statusCounts,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
  };
}

function byStatus(samples: Record<string, number[]>): Record<string, Distribution> {
  return Object.fromEntries(Object.entries(samples).map(([status, values]) => [status, summarise(values)]));
}
