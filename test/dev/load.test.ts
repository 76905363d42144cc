/**
 * `npm run load`: real load through autocannon against the dev server with
 * the mock model (throttled beyond its pool), per-request signing against a
 * recording server, and the refusal to spend money without --yes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { load, parseLoadArgs, refusalFor, UNCONFIRMED_REMOTE_REQUESTS, type LoadCommand } from '../../src/dev/load/cli';
import { listenOnLoopback } from '../../src/dev/loopback';
import { REPO_ROOT } from '../helpers/project';

const TSX_CLI = require.resolve('tsx/cli');
const command = (argv: string[]) => parseLoadArgs(argv, {}) as LoadCommand;
const quiet = () => undefined;

describe('npm run load', () => {
  test('against the dev server it starts (mock model, pool 2), 6 clients: every request answered, the excess throttled with 429, the report sums up', async () => {
    const report = await load(command(['-c', '6', '-n', '30', '--pool', '2']), quiet);
    expect(report.responses).toBe(30);
    expect(Object.values(report.statusCounts).reduce((a, b) => a + b, 0)).toBe(30);
    expect(Object.keys(report.statusCounts).sort()).toEqual(['200', '429']);
    expect(Object.keys(report.firstByteByStatusMs).sort()).toEqual(['200', '429']);
    expect(report.statusCounts['200']).toBeGreaterThanOrEqual(2);
    expect(report.errors + report.timeouts).toBe(0);
    // Percentiles are ordered, per status too, and a throttled answer comes back before any agent answer completes
    for (const d of [report.latencyMs, ...Object.values(report.latencyByStatusMs)]) {
      expect(d.min).toBeLessThanOrEqual(d.p50);
      expect(d.p50).toBeLessThanOrEqual(d.p95);
      expect(d.p95).toBeLessThanOrEqual(d.p99);
      expect(d.p99).toBeLessThanOrEqual(d.max);
    }
    expect(report.latencyByStatusMs['429'].p50).toBeLessThan(report.latencyByStatusMs['200'].min);
    expect(report.throughputPerSecond).toBeCloseTo(30 / report.durationSeconds, 5);
  }, 60_000);

  test('on a streaming server, the first byte comes long before the whole answer', async () => {
    const report = await load(command(['-c', '1', '-n', '3', '--invoke-mode', 'RESPONSE_STREAM']), quiet);
    expect(report.statusCounts).toEqual({ '200': 3 });
    // The mock streams a word every 30 ms over two model calls: the answer's end is hundreds of ms after its start.
    // The median, not the slowest: the first request's first byte also waits for the environment's cold start,
    // which on a loaded machine took longer than a whole warm answer (886 ms against 803 in one CI run).
    expect(report.firstByteMs.p50).toBeLessThan(report.latencyMs.min);
  }, 60_000);

  describe('per-request credentials, seen by a recording server', () => {
    let server: http.Server;
    let url: string;
    let close: () => Promise<void>;
    const seen: http.IncomingHttpHeaders[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        seen.push(req.headers);
        req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"output":"ok"}'));
      });
      ({ url, close } = await listenOnLoopback(server));
    });
    afterAll(() => close());
    beforeEach(() => (seen.length = 0));

    test('--auth iam: every request carries a SigV4 signature for the lambda service in the Region', async () => {
      const keys = { AWS_ACCESS_KEY_ID: 'AKIALOADTEST', AWS_SECRET_ACCESS_KEY: 'load-test-secret' };
      Object.assign(process.env, keys);
      try {
        await load(command(['--url', url, '--auth', 'iam', '--region', 'eu-west-3', '-c', '2', '-n', '4']), quiet);
      } finally {
        for (const name of Object.keys(keys)) delete process.env[name];
      }
      expect(seen).toHaveLength(4);
      for (const headers of seen) {
        expect(headers.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIALOADTEST\/\d{8}\/eu-west-3\/lambda\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/,
        );
        expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
        expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    test('a token: every request carries it as a bearer token', async () => {
      await load(command(['--url', url, '--token', 'tok-123', '-c', '1', '-n', '3']), quiet);
      expect(seen.map((h) => h.authorization)).toEqual(['Bearer tok-123', 'Bearer tok-123', 'Bearer tok-123']);
    });
  });

  describe('money: a deployed URL needs --yes beyond 50 requests', () => {
    const deployed = new URL('https://abcdefghij.lambda-url.us-east-1.on.aws/agent');
    test.each([
      ['a timed run (unknown count)', { yes: false }, /a timed run sends an unknown number of requests/],
      [`${UNCONFIRMED_REMOTE_REQUESTS + 1} requests`, { requests: UNCONFIRMED_REMOTE_REQUESTS + 1, yes: false }, /51 requests were asked for/],
    ])('%s is refused, saying why and how to confirm', (_label, asked, why) => {
      const refusal = refusalFor(deployed, asked);
      expect(refusal).toMatch(why);
      expect(refusal).toMatch(/each request to a deployed agent is a model call you pay for\. Pass -n 50 or fewer, or --yes to confirm\./);
    });

    test.each([
      ['50 requests', { requests: 50, yes: false }],
      ['--yes', { yes: true }],
    ])('%s may run', (_label, asked) => {
      expect(refusalFor(deployed, asked)).toBeUndefined();
    });

    test('the dev server on this machine never needs --yes', () => {
      expect(refusalFor(new URL('http://127.0.0.1:3000/agent'), { yes: false })).toBeUndefined();
    });

    test('the CLI refuses before sending anything, exits 1, and writes no report', () => {
      const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-load-')), 'report.json');
      const run = spawnSync(process.execPath, [TSX_CLI, 'src/dev/load/cli.ts', '--url', deployed.origin, '-d', '30', '--json', json], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 'x' },
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^error: Refusing to load https:\/\/abcdefghij\.lambda-url\.us-east-1\.on\.aws: a timed run/);
      expect(run.stderr).not.toMatch(/loading /);
      expect(fs.existsSync(json)).toBe(false);
      fs.rmSync(path.dirname(json), { recursive: true, force: true });
    });
  });

  test.each([
    [['-c', '0'], '--connections is "0"; use a whole number from 1 to 1000.'],
    [['--invoke-mode', 'fast'], '--invoke-mode is "fast"; use BUFFERED or RESPONSE_STREAM.'],
    [['--input', '  '], '--input is empty; give the question each request asks.'],
  ])('bad options %j are refused with what to use', (argv, message) => {
    expect(() => parseLoadArgs(argv, {})).toThrow(message);
  });
});
