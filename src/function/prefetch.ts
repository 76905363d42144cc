/**
 * Init-time prefetch: what the first request of this configuration would do
 * before any work of its own, done while the execution environment starts,
 * so the first request costs what a warm one does. Provisioned concurrency
 * runs init ahead of traffic, so with it this work never meets a caller.
 *
 * Only what the configuration and the export need: the model's client (the
 * Anthropic key from Secrets Manager, or the Bedrock SDK) and, unless the
 * environment is provisioned ahead of traffic, a connection to its endpoint, the issuer's keys when sign-in takes JWTs, the state table's
 * client when a feature uses the table, the MCP servers' tool lists (their
 * tokens and connections) when the deployment names servers; for the
 * worker, its own code and the EventBridge client when it announces jobs.
 * The kill switch prefetches nothing.
 *
 * All steps run at once, bounded together by INIT_PREFETCH_BUDGET_MS (3 s;
 * Lambda's init phase has 10 s and is billed), and none is fatal: a step that fails
 * is logged and its work is done again by the first request, exactly as if
 * there had been no prefetch (each cache forgets a failed attempt).
 */
import { reportError } from './error-report';
import { connectJobEvents } from './jobs/completion-event';
import { loadJobsWorker } from './jobs/load-worker';
import { writeLogLine } from './logging';
import { warmJwtVerifier } from './auth/verify-request';
import { getAuth, getRuntime } from './runtime';
import { loadMcp } from './tools/toolset';
import { readSettingsOf, type Env, type Settings } from './settings/read';

/** The exports whose first request a prefetch serves: Lambda names the one it runs in `_HANDLER`. */
const AGENT_EXPORTS = new Set(['handler', 'streamHandler']);
const WORKER_EXPORT = 'jobHandler';

type Step = readonly [name: string, run: (signal: AbortSignal) => Promise<unknown>];

/** The settings that choose the steps and bound them. */
const PREFETCH_SETTINGS = ['_HANDLER', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'INIT_PREFETCH_BUDGET_MS'] as const;
type PrefetchSettings = Pick<Settings, (typeof PREFETCH_SETTINGS)[number]>;

/** The steps for this environment's export and configuration; none for the kill switch or an unknown export. */
function stepsFor(env: Env, { _HANDLER: handler, AWS_LAMBDA_INITIALIZATION_TYPE: initialization }: PrefetchSettings): Step[] {
  const exported = handler.split('.').pop() ?? '';
  const agent = AGENT_EXPORTS.has(exported);
  if (!agent && exported !== WORKER_EXPORT) return [];
  const runtime = getRuntime(env);
  const steps: Step[] = [['model', (signal) => runtime.provider.warm(signal)]];
  // A provisioned environment may wait hours for its first request: a connection opened now would be long closed.
  if (initialization !== 'provisioned-concurrency') steps.push(['model connection', (signal) => runtime.provider.connect(signal)]);
  if (agent) {
    const auth = getAuth(env);
    if (auth.kind === 'token' && auth.jwt) steps.push(['sign-in keys', (signal) => warmJwtVerifier(auth, signal)]);
  }
  const { store } = runtime;
  if (store) steps.push(['state table client', () => store.connect()]);
  if (!agent) steps.push(['worker code', () => loadJobsWorker()]);
  if (!agent && runtime.jobs?.config.eventSource) steps.push(['job events client', () => connectJobEvents(runtime.config.awsRegion)]);
  const { mcpServers, limits, awsRegion } = runtime.config;
  if (Object.keys(mcpServers).length > 0) {
    // A provisioned environment loads the client only: a list read now would be stale when the first request comes.
    if (initialization === 'provisioned-concurrency') steps.push(['mcp client code', () => loadMcp()]);
    else
      steps.push([
        'mcp tools',
        async (signal) =>
          (await loadMcp()).warmMcpTools(mcpServers, { defaultTimeoutMs: limits.toolTimeoutMs, budgetMs: Number.MAX_SAFE_INTEGER, signal, region: awsRegion }),
      ]);
  }
  return steps;
}

/** Runs the prefetch and logs one line saying what was done and what failed; never throws. */
export async function prefetch(env: Env): Promise<void> {
  try {
    await prefetchSteps(env);
  } catch (error) {
    // Never fatal: an init that threw here would fail every cold start.
    writeLogLine('WARN', 'init prefetch', { prefetched: [], skipped: 'the prefetch failed', error: reportError(error) }, []);
  }
}

async function prefetchSteps(env: Env): Promise<void> {
  const started = performance.now();
  let steps: Step[];
  let budgetMs: number;
  try {
    const settings = readSettingsOf(env, PREFETCH_SETTINGS);
    steps = stepsFor(env, settings);
    budgetMs = settings.INIT_PREFETCH_BUDGET_MS;
  } catch (error) {
    // A configuration error: every request reports it, with its fix; init only says it did nothing.
    writeLogLine('WARN', 'init prefetch', { prefetched: [], skipped: 'the configuration is invalid', error: reportError(error) }, []);
    return;
  }
  if (steps.length === 0) return;
  const signal = AbortSignal.timeout(budgetMs);
  const outcomes = await Promise.allSettled(steps.map(([, run]) => run(signal)));
  const failed = steps.flatMap(([name], i) => {
    const outcome = outcomes[i];
    return outcome.status === 'rejected' ? [{ step: name, error: reportError(outcome.reason) }] : [];
  });
  writeLogLine(
    failed.length > 0 ? 'WARN' : 'INFO',
    'init prefetch',
    {
      prefetched: steps.filter((_, i) => outcomes[i].status === 'fulfilled').map(([name]) => name),
      ...(failed.length > 0 ? { failed, retried_by: 'the first request' } : {}),
      duration_ms: Math.round(performance.now() - started),
    },
    [],
  );
}
