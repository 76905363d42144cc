/**
 * What `npm run dev` gives the function, from your shell: its settings (the
 * variables the stack would set), your AWS credentials in place of its
 * execution role's, and, when you export ANTHROPIC_API_KEY, a local Secrets
 * Manager holding it, so the function reads its key exactly as on AWS.
 * With ASYNC_JOBS_ENABLED, a local SQS queue and dead-letter queue that the
 * dev server's worker consumes as Lambda's event source mapping would. With
 * `--mcp-demo`, a demo MCP server (an order book) added to MCP_SERVERS as
 * `demo`, its token served by the local Secrets Manager.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { holds, readSettingsOf } from '../function/settings/read';
import { SETTINGS, type SettingName } from '../function/settings/table';
import { JOBS_ON, SESSIONS_ON, STATE_FEATURE_SETTINGS, STATE_TABLE_NEEDED } from '../function/state/features';
import { DEAD_LETTER_SUFFIX, VISIBILITY_TIMEOUT_FACTOR } from '../stacks/jobs-shape';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from './lambda/execution-environment';
import { LOCAL_STATE_CALL_TIMEOUT_MS, startDynamoDb, type DynamoDbServer } from './stand-ins/dynamodb';
import { startMcpServer, type McpStandIn } from './stand-ins/mcp-server';
import { startSecretsManager, type SecretsManagerServer } from './stand-ins/secrets-manager';
import { localQueueArn, startSqs, type SqsServer } from './stand-ins/sqs';

/** The local jobs queue, as the stack names it for a function called `agent`. */
const LOCAL_QUEUE = 'agent-jobs';

/**
 * Variables the function reads, passed through when set in your shell: every
 * setting of the table but those Lambda itself sets (AWS_REGION) and those
 * the stack computes (STATE_TABLE_NAME, set here when the local table serves).
 */
export const FUNCTION_SETTINGS: readonly SettingName[] = (Object.keys(SETTINGS) as SettingName[]).filter(
  (name) => SETTINGS[name].delivery.by === 'variable' || SETTINGS[name].delivery.by === 'local',
);

export interface FunctionEnvironment {
  readonly environment: Record<string, string>;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly region: string;
  /** One line on how the function reaches its model, for the terminal. */
  readonly modelAccess: string;
  /** One line on where sessions and usage live, when a feature needs the state table. */
  readonly stateAccess?: string;
  /** With jobs on: the local queue the dev server's worker consumes. */
  readonly jobs?: LocalJobs;
  /** One line on the MCP servers the function may call, when it may call any. */
  readonly mcpAccess?: string;
  /** Whether the settings turn sessions on (the chat page then keeps its conversation as a session). */
  readonly sessions: boolean;
  close(): Promise<void>;
}

export interface LocalJobs {
  /** The SQS endpoint (AWS_ENDPOINT_URL_SQS of both functions). */
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** One line for the terminal. */
  readonly describe: string;
}

export interface FunctionEnvironmentOptions {
  /** The worker's timeout: the queue's visibility timeout is six times it, as the stack sets. @default 900 @unit seconds */
  readonly jobTimeoutSeconds?: number;
  /**
   * The base URL of a local Messages API (the mock model): the function then
   * calls it through the Anthropic provider, with a placeholder key served
   * by the local Secrets Manager, whatever the shell says about providers.
   * @default - the model access your shell configures
   */
  readonly mockModelUrl?: string;
  /** Start the demo MCP server and add it to MCP_SERVERS as `demo`. @default false */
  readonly mcpDemo?: boolean;
}

/** The demo MCP server's name in MCP_SERVERS, and the tools it offers the model. */
export const MCP_DEMO_SERVER = 'demo';
const MCP_DEMO_TOOLS = ['lookup_order', 'list_orders'];
/** The demo server's bearer token: local only. */
const MCP_DEMO_TOKEN = 'local-mcp-demo-token';

/** The key the function reads when the mock model answers: never valid anywhere else. */
const MOCK_MODEL_KEY = 'sk-ant-local-mock-model-no-key';

export async function functionEnvironment(shell: NodeJS.ProcessEnv, options: FunctionEnvironmentOptions = {}): Promise<FunctionEnvironment> {
  const environment: Record<string, string> = {};
  for (const name of FUNCTION_SETTINGS) {
    const value = shell[name];
    if (value !== undefined && value !== '') environment[name] = value;
  }
  // The AWS SDK's endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) reach the function too.
  for (const [name, value] of Object.entries(shell)) if (name.startsWith('AWS_ENDPOINT_URL') && value) environment[name] = value;
  const region = shell.AWS_REGION || shell.AWS_DEFAULT_REGION || 'us-east-1';
  if (options.mockModelUrl) {
    environment.LLM_PROVIDER = 'anthropic';
    environment.ANTHROPIC_BASE_URL = options.mockModelUrl;
    delete environment.ANTHROPIC_API_KEY_SECRET_ARN;
  }
  const provider = environment.LLM_PROVIDER ?? 'anthropic';

  let secrets: SecretsManagerServer | undefined;
  // The function reads its key from Secrets Manager and nowhere else, locally too.
  const serveKey = async (key: string): Promise<string> => {
    secrets = await startSecretsManager(`arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT_ID}:secret:local-anthropic-api-key-LoCaL1`, key);
    environment.ANTHROPIC_API_KEY_SECRET_ARN = secrets.secretArn;
    environment.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    return secrets.url;
  };
  let modelAccess: string;
  if (options.mockModelUrl) {
    await serveKey(MOCK_MODEL_KEY);
    modelAccess = `the local mock model (${options.mockModelUrl}): CANNED answers, no model is called and nothing is billed`;
  } else if (provider === 'anthropic' && !environment.ANTHROPIC_API_KEY_SECRET_ARN && shell.ANTHROPIC_API_KEY) {
    const url = await serveKey(shell.ANTHROPIC_API_KEY);
    modelAccess = `Anthropic API, with ANTHROPIC_API_KEY served to the function by a local Secrets Manager (${url})`;
  } else if (provider === 'anthropic') {
    modelAccess = environment.ANTHROPIC_API_KEY_SECRET_ARN
      ? `Anthropic API, with the key in ${environment.ANTHROPIC_API_KEY_SECRET_ARN} (read with your AWS credentials)`
      : 'none configured: POST /agent will answer 502 (export ANTHROPIC_API_KEY, or LLM_PROVIDER=bedrock with AWS credentials)';
  } else {
    modelAccess = 'Amazon Bedrock, with your AWS credentials';
  }

  // MCP: the demo server, beside the servers your shell names.
  let mcpDemo: McpStandIn | undefined;
  if (options.mcpDemo) {
    const demo = await addMcpDemo(environment, region, secrets);
    mcpDemo = demo.server;
    secrets ??= demo.secrets;
  }
  const mcpAccess = describeMcp(environment, secrets !== undefined);

  // Sessions and budgets: your STATE_TABLE_NAME on AWS, else an in-memory DynamoDB that lives as long as the dev server.
  let dynamodb: DynamoDbServer | undefined;
  let stateAccess: string | undefined;
  if (needsStateTable(environment)) {
    if (shell.STATE_TABLE_NAME) {
      environment.STATE_TABLE_NAME = shell.STATE_TABLE_NAME;
      stateAccess = `DynamoDB table ${shell.STATE_TABLE_NAME}${environment.AWS_ENDPOINT_URL_DYNAMODB ? ` at ${environment.AWS_ENDPOINT_URL_DYNAMODB}` : ', with your AWS credentials'}`;
    } else {
      dynamodb = await startDynamoDb();
      environment.STATE_TABLE_NAME = dynamodb.tableName;
      environment.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
      environment.STATE_CALL_TIMEOUT_MS ??= String(LOCAL_STATE_CALL_TIMEOUT_MS);
      stateAccess = `a local DynamoDB in memory (${dynamodb.url}, table ${dynamodb.tableName}): sessions and usage end with the dev server; set STATE_TABLE_NAME to use a table on AWS`;
    }
  }

  // Your credentials stand in for the execution role's when the function calls AWS for real.
  const needsAws =
    provider === 'bedrock' ||
    (environment.ANTHROPIC_API_KEY_SECRET_ARN !== undefined && !secrets) ||
    (environment.STATE_TABLE_NAME !== undefined && !dynamodb && !environment.AWS_ENDPOINT_URL_DYNAMODB);
  let credentials: FunctionEnvironment['credentials'] = LOCAL_CREDENTIALS;
  if (needsAws) {
    try {
      credentials = await fromNodeProviderChain()();
    } catch (error) {
      modelAccess += ` — but no AWS credentials were found (${error instanceof Error ? error.message : String(error)}); calls to AWS will fail`;
    }
  }

  // Jobs: a local queue and dead-letter queue, shaped as the stack makes them; the dev server runs the worker.
  let sqs: SqsServer | undefined;
  let jobs: LocalJobs | undefined;
  if (holdsSafely(JOBS_ON, environment)) {
    sqs = await startSqs(credentials);
    const dlq = `${LOCAL_QUEUE}${DEAD_LETTER_SUFFIX}`;
    sqs.createQueue(dlq);
    const queueUrl = sqs.createQueue(LOCAL_QUEUE, {
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * (options.jobTimeoutSeconds ?? 900),
      redrive: { deadLetterQueue: localQueueArn(dlq), maxReceiveCount: maxReceiveCount(environment) },
    });
    environment.JOBS_QUEUE_URL = queueUrl;
    environment.AWS_ENDPOINT_URL_SQS = sqs.url;
    jobs = {
      endpoint: sqs.url,
      queueUrl,
      queueArn: localQueueArn(LOCAL_QUEUE),
      describe: `a local SQS queue (${queueUrl}) consumed by a local worker (index.jobHandler), one job at a time; jobs end with the dev server`,
    };
  }

  return {
    environment,
    credentials,
    region,
    modelAccess,
    ...(stateAccess ? { stateAccess } : {}),
    ...(jobs ? { jobs } : {}),
    ...(mcpAccess ? { mcpAccess } : {}),
    sessions: holdsSafely(SESSIONS_ON, environment),
    close: async () => void (await Promise.all([secrets?.close(), dynamodb?.close(), sqs?.close(), mcpDemo?.close()])),
  };
}

/**
 * Starts the demo MCP server and adds it to MCP_SERVERS. Its token is served
 * by the local Secrets Manager (started here when none runs); when the
 * function reads its key from Secrets Manager on AWS, the demo server takes
 * no token, since the function's Secrets Manager calls all go to one endpoint.
 */
async function addMcpDemo(
  environment: Record<string, string>,
  region: string,
  running: SecretsManagerServer | undefined,
): Promise<{ server: McpStandIn; secrets?: SecretsManagerServer }> {
  const servers = parsedMcpServers(environment.MCP_SERVERS);
  if (MCP_DEMO_SERVER in servers) throw new Error(`MCP_SERVERS already names a server "${MCP_DEMO_SERVER}": rename it to use --mcp-demo.`);
  const secretArn = `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT_ID}:secret:local-mcp-demo-token-LoCaL2`;
  const awsSecrets = !running && (environment.ANTHROPIC_API_KEY_SECRET_ARN !== undefined || environment.AWS_ENDPOINT_URL_SECRETS_MANAGER !== undefined);
  const server = await startMcpServer(awsSecrets ? {} : { bearer: MCP_DEMO_TOKEN });
  let secrets: SecretsManagerServer | undefined;
  if (!awsSecrets) {
    if (running) running.putSecret(secretArn, MCP_DEMO_TOKEN);
    else {
      secrets = await startSecretsManager(secretArn, MCP_DEMO_TOKEN);
      environment.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    }
  }
  servers[MCP_DEMO_SERVER] = { url: server.url, allowed_tools: MCP_DEMO_TOOLS, ...(awsSecrets ? {} : { auth_secret_arn: secretArn }) };
  environment.MCP_SERVERS = JSON.stringify(servers);
  return { server, ...(secrets ? { secrets } : {}) };
}

/** MCP_SERVERS from the shell as an object; a value that is not one is left for the function to refuse, naming it. */
function parsedMcpServers(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new Error(
    'MCP_SERVERS in your shell is not a JSON object of servers, e.g. {"orders":{"url":"https://mcp.example.com/mcp"}}: fix it to use --mcp-demo.',
  );
}

/** The banner's line on MCP servers: which the function may call, and where tokens come from. */
function describeMcp(environment: Record<string, string>, localSecrets: boolean): string | undefined {
  if (!environment.MCP_SERVERS) return undefined;
  let servers: Record<string, { url?: unknown; auth_secret_arn?: unknown }>;
  try {
    const parsed: unknown = JSON.parse(environment.MCP_SERVERS);
    if (!parsed || typeof parsed !== 'object' || Object.values(parsed).some((server) => !server || typeof server !== 'object')) throw new Error('not servers');
    servers = parsed as typeof servers;
  } catch {
    return 'MCP_SERVERS is not a JSON object of servers: the function will refuse it, naming what it must be';
  }
  const names = Object.entries(servers).map(([name, server]) => `${name} (${String(server.url)})`);
  const tokens = Object.entries(servers).filter(([name, server]) => typeof server.auth_secret_arn === 'string' && name !== MCP_DEMO_SERVER);
  const warning =
    localSecrets && tokens.length > 0
      ? `; the token secrets of ${tokens.map(([name]) => name).join(', ')} are read from the local Secrets Manager, which does not hold them (their listing fails): export ANTHROPIC_API_KEY_SECRET_ARN instead of ANTHROPIC_API_KEY to read secrets on AWS`
      : '';
  return `${names.join(', ')}; tools appear as <server>__<tool>${warning}`;
}

/** JOB_MAX_RECEIVE_COUNT as the worker reads it; a bad value gets the default here and is reported by the worker. */
function maxReceiveCount(environment: Record<string, string>): number {
  try {
    return readSettingsOf(environment, ['JOB_MAX_RECEIVE_COUNT']).JOB_MAX_RECEIVE_COUNT;
  } catch {
    return SETTINGS.JOB_MAX_RECEIVE_COUNT.default;
  }
}

/** Whether the settings turn on a feature that needs the state table (a bad value is left for the function to report). */
function needsStateTable(environment: Record<string, string>): boolean {
  return holdsSafely(STATE_TABLE_NEEDED, environment);
}

/** Whether a condition over the state features holds; a bad value is left for the function to report. */
function holdsSafely(condition: Parameters<typeof holds>[0], environment: Record<string, string>): boolean {
  try {
    return holds(condition, readSettingsOf(environment, STATE_FEATURE_SETTINGS));
  } catch {
    return false;
  }
}
