/**
 * Least privilege, proven offline. Two deployments are planned against the
 * real provider, one with every feature on (Anthropic behind a secret,
 * customer keys, sessions, budgets, jobs, job events, schedules, the kill
 * switch, tracing, the VPC, an MCP server with a token secret, a knowledge base) and one on Bedrock with model tiers and budgets
 * alone. Each planned function then runs from the built zip under the
 * runtime client, with the environment the plan gives it and every AWS
 * endpoint behind a proxy that keeps what it saw. Every AWS call the code
 * made, and every call Lambda, SQS and EventBridge Scheduler make with the
 * roles, is simulated against the role's planned policies: each must be
 * allowed, and a list of calls no role may make must be denied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploymentsOf, functionEnv, envUnknown, roleNameOf, roleNameOfArn, statementsByRole, policyStatements } from '../../src/check/deployments';
import { LOCAL_CREDENTIALS } from '../../src/dev/lambda/execution-environment';
import { EventSourceMapping } from '../../src/dev/lambda/event-source-mapping';
import { LOCAL_STATE_CALL_TIMEOUT_MS, startDynamoDb, type DynamoDbServer } from '../../src/dev/stand-ins/dynamodb';
import { startMessagesApi, type MessagesApiServer } from '../../src/dev/stand-ins/messages-api';
import { startMcpServer, type McpStandIn } from '../../src/dev/stand-ins/mcp-server';
import { startSecretsManager, type SecretsManagerServer } from '../../src/dev/stand-ins/secrets-manager';
import { startSqs, type SqsServer } from '../../src/dev/stand-ins/sqs';
import { TEST_ACCOUNT_ID } from '../../src/terraform/local-sts';
import type { PlanJson, PlannedResource } from '../../src/terraform/terraform';
import { startEventBridge, type EventBridgeServer } from '../fixtures/servers/eventbridge';
import { startFaultProxy, type FaultProxy } from '../fixtures/servers/fault-proxy';
import { startKnowledgeBases, type KnowledgeBasesServer } from '../fixtures/servers/knowledge-bases';
import { startLambdaApi, type LambdaApiServer } from '../fixtures/servers/lambda-api';
import { TEST_SECRET_ARN } from '../fixtures/tfvars';
import { agentEvent, asCaller, eventFixture, withRoute } from '../helpers/events';
import { iamRequestsOf, signingServiceOf, type CallContext, type SeenRequest } from '../helpers/iam/aws-calls';
import { evaluate, type IamRequest, type IamStatement } from '../helpers/iam/evaluate';
import { planEach, planned } from '../helpers/terraform';
import { ZipFunction } from '../helpers/zip-runtime';

const REGION = 'us-east-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${TEST_ACCOUNT_ID}:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`;
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
const VPC_ID = 'vpc-0123456789abcdef0';
const ALICE = `arn:aws:iam::${TEST_ACCOUNT_ID}:user/alice`;
const SESSION = 'chat-2026-12-07.iam';
/** The MCP server's token secret (the functions reach a local server in place of the planned URL). */
const MCP_TOKEN_ARN = `arn:aws:secretsmanager:${REGION}:${TEST_ACCOUNT_ID}:secret:orders-mcp-token-QwErTy`;
const MCP_TOKEN = 'mcp-token-for-iam';
const KNOWLEDGE_BASE = 'KB12345678';
/** A model turn that searches the knowledge base, then an answer. */
const SEARCH_THEN_ANSWER = [
  { kind: 'message' as const, content: [{ type: 'tool_use' as const, name: 'knowledge_base_search', input: { query: 'refunds' } }] },
  { kind: 'message' as const, content: [{ type: 'text' as const, text: 'Done.' }] },
];

const EVERYTHING = [
  `anthropic_api_key_secret_arn = "${TEST_SECRET_ARN}"`,
  `kms_key_arn = "${KEY_ARN}"`,
  `state_kms_key_arn = "${KEY_ARN}"`,
  'sessions_enabled = true',
  'caller_daily_token_budget = 100000',
  'daily_cost_budget_usd = 50',
  'async_jobs_enabled = true',
  'job_events_enabled = true',
  'schedules = { nightly = { schedule_expression = "rate(1 day)", request = { input = "Report." } } }',
  'alarm_email = "oncall@example.com"',
  'cost_kill_switch_enabled = true',
  'tracing_enabled = true',
  `vpc_id = "${VPC_ID}"`,
  `vpc_subnet_ids = ${JSON.stringify(SUBNETS)}`,
  'nat_egress_enabled = true',
  `mcp_servers = { orders = { url = "https://mcp.example.com/mcp", auth_secret_arn = "${MCP_TOKEN_ARN}", allowed_tools = ["lookup_order"] } }`,
  `knowledge_base_ids = ["${KNOWLEDGE_BASE}"]`,
].join('\n');
const BEDROCK_TIERS = [
  'llm_provider = "bedrock"',
  'model_tiers = { fast = "us.anthropic.claude-haiku-4-5", deep = "global.anthropic.claude-opus-4-5", plain = "anthropic.claude-sonnet-5-5" }',
  'default_model_tier = "fast"',
  'caller_daily_token_budget = 100000',
].join('\n');

/** Where the offline plans deploy (the local STS's account, the provider's Region). */
const WHERE: CallContext = { partition: 'aws', region: REGION, account: TEST_ACCOUNT_ID };
const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${TEST_ACCOUNT_ID}:${resource}`;

/** One planned function: its role's statements and the zip running with its planned environment. */
interface PlannedFunction {
  /** The plan it is from: `everything` or `bedrock`. */
  readonly label: string;
  /** The function as planned. */
  readonly planned: PlannedResource;
  readonly name: string;
  readonly role: string;
  readonly statements: readonly IamStatement[];
  readonly fn: ZipFunction;
  /** What its AWS calls looked like to each service. */
  readonly seen: () => SeenRequest[];
}

/** The local services every function's calls reach through its own proxies. */
interface Services {
  readonly dynamodb: DynamoDbServer;
  readonly sqs: SqsServer;
  readonly secrets: SecretsManagerServer;
  readonly events: EventBridgeServer;
  readonly lambda: LambdaApiServer;
  readonly api: MessagesApiServer;
  readonly mcp: McpStandIn;
  readonly knowledgeBases: KnowledgeBasesServer;
}

const rolesOf = (plan: PlanJson) => {
  const [deployment] = deploymentsOf(plan);
  const { unknown } = policyStatements(deployment);
  if (unknown.length > 0) throw new Error(`Policies unknown at plan cannot be simulated: ${unknown.map((r) => r.address).join(', ')}`);
  const attached = deployment.resources.filter((r) => ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'].includes(r.type));
  if (attached.length > 0) throw new Error(`Managed policies are not simulated: ${attached.map((r) => r.address).join(', ')}`);
  const byRole = statementsByRole(deployment);
  return { deployment, statementsOf: (role: string) => (byRole.get(role) ?? []).map((s) => s.statement as IamStatement) };
};

/** The planned MCP_SERVERS with every server's url pointing at the local MCP server. */
function atLocalMcpServer(planned: string, url: string): string {
  const servers = JSON.parse(planned) as Record<string, { url: string }>;
  return JSON.stringify(Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, { ...server, url }])));
}

/** The customer key a planned queue is encrypted with, by the queue's ARN. */
function queueKeyOf(resources: readonly PlannedResource[], queueArn: string): string | undefined {
  const queue = resources.find((r) => r.type === 'aws_sqs_queue' && arn('sqs', String(r.values.name)) === queueArn);
  if (!queue) throw new Error(`The plan has no queue ${queueArn}`);
  return typeof queue.values.kms_master_key_id === 'string' && queue.values.kms_master_key_id !== '' ? queue.values.kms_master_key_id : undefined;
}

describe('IAM, simulated against the planned policies', () => {
  let everything: PlanJson;
  let bedrock: PlanJson;
  let services: Services;
  const proxies: FaultProxy[] = [];
  const mappings: EventSourceMapping[] = [];
  const functions = new Map<string, PlannedFunction>();

  /** A proxy in front of each service for one function, and the environment that sends its calls there. */
  async function endpointsFor(planned: Record<string, string>): Promise<{ env: Record<string, string>; seen: () => SeenRequest[] }> {
    const targets = {
      dynamodb: services.dynamodb.url,
      sqs: services.sqs.url,
      secrets: services.secrets.url,
      events: services.events.url,
      lambda: services.lambda.url,
      bedrock: services.api.url,
      knowledgeBases: services.knowledgeBases.url,
    };
    const started = Object.fromEntries(await Promise.all(Object.entries(targets).map(async ([name, url]) => [name, await startFaultProxy(url)] as const)));
    proxies.push(...Object.values(started));
    const queueUrl = planned.JOBS_QUEUE_URL ? `${started.sqs.url}${new URL(planned.JOBS_QUEUE_URL).pathname}` : undefined;
    return {
      env: {
        ...planned,
        AWS_ENDPOINT_URL_DYNAMODB: started.dynamodb.url,
        AWS_ENDPOINT_URL_SQS: started.sqs.url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: started.secrets.url,
        AWS_ENDPOINT_URL_EVENTBRIDGE: started.events.url,
        AWS_ENDPOINT_URL_LAMBDA: started.lambda.url,
        ANTHROPIC_BEDROCK_BASE_URL: started.bedrock.url,
        AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: started.knowledgeBases.url,
        // The Messages API is not AWS: it has no IAM to simulate.
        ANTHROPIC_BASE_URL: services.api.url,
        STATE_CALL_TIMEOUT_MS: String(LOCAL_STATE_CALL_TIMEOUT_MS),
        ...(queueUrl ? { JOBS_QUEUE_URL: queueUrl } : {}),
        // MCP servers are not AWS either: the planned server is the local one.
        ...(planned.MCP_SERVERS ? { MCP_SERVERS: atLocalMcpServer(planned.MCP_SERVERS, services.mcp.url) } : {}),
      },
      seen: () => Object.values(started).flatMap((proxy) => proxy.seen),
    };
  }

  async function start(plan: PlanJson, label: string): Promise<void> {
    const { deployment, statementsOf } = rolesOf(plan);
    for (const resource of deployment.resources.filter((r) => r.type === 'aws_lambda_function')) {
      if (envUnknown(deployment, resource)) throw new Error(`${resource.address}'s environment is unknown at plan: it cannot be run as planned`);
      const role = roleNameOf(resource);
      if (!role) throw new Error(`${resource.address} names no role known at plan: ${String(resource.values.role)}`);
      const { env, seen } = await endpointsFor(functionEnv(resource));
      const name = String(resource.values.function_name);
      functions.set(`${label}/${name}`, { label, planned: resource, name, role, statements: statementsOf(role), fn: new ZipFunction(env), seen });
    }
  }
  const fnOf = (key: string): PlannedFunction => {
    const found = functions.get(key);
    if (!found) throw new Error(`The plan has no function ${key}; it has ${[...functions.keys()].join(', ')}`);
    return found;
  };
  const ok = async (what: string, result: Promise<{ statusCode: number; body: string }>, status = 200): Promise<{ statusCode: number; body: string }> => {
    const response = await result;
    if (response.statusCode !== status) throw new Error(`${what} answered ${response.statusCode}, not ${status}: ${response.body}`);
    return response;
  };

  beforeAll(async () => {
    const plans = await planEach('iam', { everything: EVERYTHING, bedrock: BEDROCK_TIERS });
    everything = planned(plans.everything, 'everything');
    bedrock = planned(plans.bedrock, 'bedrock');
    const planValue = (plan: PlanJson, type: string, attribute: string) =>
      String(deploymentsOf(plan)[0].resources.find((r: PlannedResource) => r.type === type)?.values[attribute]);
    const [dynamodb, sqs, secrets, events, lambda, api, mcp, knowledgeBases] = await Promise.all([
      startDynamoDb(planValue(everything, 'aws_dynamodb_table', 'name')),
      startSqs(LOCAL_CREDENTIALS),
      startSecretsManager(TEST_SECRET_ARN, 'sk-ant-local-test'),
      startEventBridge(LOCAL_CREDENTIALS),
      startLambdaApi(LOCAL_CREDENTIALS),
      startMessagesApi(),
      startMcpServer({ bearer: MCP_TOKEN }),
      startKnowledgeBases(LOCAL_CREDENTIALS, { [KNOWLEDGE_BASE]: [{ text: 'Refunds take 14 days.', uri: 's3://docs/refunds.md', score: 0.9 }] }),
    ]);
    secrets.putSecret(MCP_TOKEN_ARN, MCP_TOKEN);
    services = { dynamodb, sqs, secrets, events, lambda, api, mcp, knowledgeBases };
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'Done.' }] });
    await start(everything, 'everything');
    await start(bedrock, 'bedrock');

    // The agent, as a caller of the Function URL uses it: a conversation, a session read and deleted, a job submitted, read, and one cancelled.
    const agent = fnOf('everything/claude-agent').fn;
    const ask = (body: unknown) => asCaller(agentEvent(body), ALICE);
    const route = (method: string, where: string) => asCaller(withRoute(eventFixture('get-health'), method, where), ALICE);
    // The conversation searches the knowledge base (Retrieve).
    api.enqueue(...SEARCH_THEN_ANSWER);
    await ok('POST /agent with a session', agent.invoke(ask({ input: 'My name is Ada.', session_id: SESSION })));
    await ok('GET /sessions/{id}', agent.invoke(route('GET', `/sessions/${SESSION}`)));
    await ok('DELETE /sessions/{id}', agent.invoke(route('DELETE', `/sessions/${SESSION}`)), 204);
    const queueName = planValue(everything, 'aws_sqs_queue', 'name');
    const queueUrl = sqs.createQueue(queueName);
    const submitted = JSON.parse(
      (await ok('POST /jobs', agent.invoke(asCaller(withRoute(agentEvent({ input: 'Report.' }), 'POST', '/jobs'), ALICE)), 202)).body,
    );
    await ok('GET /jobs/{id}', agent.invoke(route('GET', `/jobs/${submitted.job_id}`)));
    // The worker, as the event source mapping invokes it: the job runs and its completion event is put.
    const worker = fnOf('everything/claude-agent-jobs').fn;
    const mapping = new EventSourceMapping({ endpoint: sqs.url, queueUrl, queueArn: arn('sqs', queueName) });
    mappings.push(mapping);
    // The job searches the knowledge base too.
    api.enqueue(...SEARCH_THEN_ANSWER);
    const delivery = await mapping.deliver((event, remainingMs) => worker.invokeExport('jobs', event, remainingMs === undefined ? {} : { remainingMs }));
    if (!delivery || delivery.returned)
      throw new Error(`The worker did not finish the job: ${JSON.stringify(delivery?.outcome)}\n${worker.output.slice(-10).join('\n')}`);
    if (events.events.length !== 1) throw new Error(`The worker put ${events.events.length} job events, not 1: ${worker.output.slice(-10).join('\n')}`);
    // A scheduled job, with the message the planned schedule sends: the worker creates the job itself.
    const schedule = deploymentsOf(everything)[0].resources.find((r) => r.type === 'aws_scheduler_schedule');
    const input = (schedule?.values.target as Array<{ input?: string }> | undefined)?.[0]?.input;
    if (typeof input !== 'string') throw new Error(`The planned schedule has no known target input: ${JSON.stringify(schedule?.values.target)}`);
    await mapping.send(input);
    const scheduled = await mapping.deliver((event, remainingMs) => worker.invokeExport('jobs', event, remainingMs === undefined ? {} : { remainingMs }));
    if (!scheduled || scheduled.returned)
      throw new Error(`The worker did not run the scheduled job: ${JSON.stringify(scheduled?.outcome)}\n${worker.output.slice(-10).join('\n')}`);
    const second = JSON.parse((await ok('POST /jobs', agent.invoke(asCaller(withRoute(agentEvent({ input: 'Later.' }), 'POST', '/jobs'), ALICE)), 202)).body);
    await ok('DELETE /jobs/{id} of a queued job', agent.invoke(route('DELETE', `/jobs/${second.job_id}`)));
    // The kill switch, as the daily-cost alarm invokes it.
    const alarm = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'cloudwatch-alarm.json'), 'utf8'));
    const breaker = fnOf('everything/claude-agent-kill-switch').fn;
    const outcome = await breaker.invokeExport('breaker', alarm);
    if (outcome.kind !== 'response') throw new Error(`The kill switch failed: ${JSON.stringify(outcome)}\n${breaker.output.join('\n')}`);
    // Bedrock: each tier (a US profile, a global profile, a model in the Region), buffered and streamed.
    const onBedrock = fnOf('bedrock/claude-agent').fn;
    for (const model of ['fast', 'deep', 'plain']) await ok(`POST /agent on tier ${model}`, onBedrock.invoke(ask({ input: 'hi', model })));
    const streamed = await onBedrock.stream(ask({ input: 'hi', model: 'deep' }));
    if (streamed.prelude.statusCode !== 200) throw new Error(`The streamed request answered ${streamed.prelude.statusCode}: ${streamed.body}`);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...functions.values()].map((f) => f.fn.close()));
    await Promise.all([...mappings.map((m) => m.close()), ...proxies.map((p) => p.close())]);
    if (services) await Promise.all(Object.values(services).map((s) => s.close()));
  });

  /** Every call made with a role, as IAM would authorise it, with the decision. */
  const decisions = (f: PlannedFunction, keys: CallContext['keys'] = {}) =>
    f.seen().flatMap((request) =>
      iamRequestsOf(request, { ...WHERE, keys }).map((iam) => ({
        call: `${signingServiceOf(request)} ${request.method} ${request.path}`,
        iam,
        ...evaluate(f.statements, iam),
      })),
    );
  const keysOf = (label: string): CallContext['keys'] => (label === 'everything' ? { dynamodb: KEY_ARN, sqs: KEY_ARN, secretsmanager: KEY_ARN } : {});

  test('every AWS call each function made is allowed by its own role, and every function made some', () => {
    const denied: string[] = [];
    for (const [key, f] of functions) {
      const made = decisions(f, keysOf(key.split('/')[0]));
      expect([key, made.length > 0]).toEqual([key, true]);
      for (const d of made)
        if (d.decision !== 'allowed')
          denied.push(`${key} (role ${f.role}): ${d.iam.action} on ${d.iam.resource} ${JSON.stringify(d.iam.context ?? {})} is ${d.decision} [${d.call}]`);
    }
    expect(denied).toEqual([]);
  });

  test('every AWS operation in the function code was made here, so none goes unsimulated', () => {
    const operations = new Set<string>();
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    for (const file of walk(path.join(__dirname, '..', '..', 'src', 'function')))
      // The SDK's commands, and the calls made without the SDK, which name their X-Amz-Target.
      for (const [, command, target] of fs.readFileSync(file, 'utf8').matchAll(/\bsdk\.(\w+)Command\b|\bX_AMZ_TARGET = '\w+\.(\w+)'/g))
        operations.add(command ?? target);
    expect(operations.size).toBeGreaterThan(0);
    const made = new Set([...functions.values()].flatMap((f) => f.seen().flatMap((r) => iamRequestsOf(r, WHERE).map((iam) => iam.action.split(':')[1]))));
    expect([...operations].filter((op) => !made.has(op)).sort()).toEqual([]);
    // And the model, through Bedrock: the call the SDK makes for every request.
    expect(made.has('InvokeModelWithResponseStream')).toBe(true);
  });

  /**
   * The calls Lambda, its event source mapping and EventBridge Scheduler make
   * with the roles, read off what the plan configures (each function's key,
   * VPC and tracing, the mappings, the schedules), per AWS's documentation of each.
   */
  const platformCalls = (): Array<{ role: string; label: string; statements: readonly IamStatement[]; why: string; iam: IamRequest }> => {
    const calls: Array<{ role: string; label: string; statements: readonly IamStatement[]; why: string; iam: IamRequest }> = [];
    const ENI = arn('ec2', 'network-interface/eni-0123456789abcdef0');
    for (const f of functions.values()) {
      const { deployment, statementsOf } = rolesOf(f.label === 'everything' ? everything : bedrock);
      const add = (why: string, iam: IamRequest, role = f.role) => calls.push({ role, label: f.label, statements: statementsOf(role), why, iam });
      const values = f.planned.values as Record<string, any>;
      const group = arn('logs', `log-group:/aws/lambda/${f.name}`);
      // CloudWatch Logs authorises the log group in its ARN form with ":*", and PutLogEvents on the stream.
      add('Lambda creates the log stream', { action: 'logs:CreateLogStream', resource: `${group}:*` });
      add('Lambda writes the log lines', { action: 'logs:PutLogEvents', resource: `${group}:log-stream:2026/12/07/[$LATEST]0123456789abcdef` });
      // A customer key on the environment: the execution role decrypts it when an environment starts.
      if (values.kms_key_arn) add('Lambda decrypts the environment', { action: 'kms:Decrypt', resource: values.kms_key_arn });
      if (values.tracing_config?.[0]?.mode === 'Active')
        for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) add('Lambda sends traces', { action, resource: '*' });
      const vpcConfig = values.vpc_config?.[0];
      if (vpcConfig) {
        // Lambda manages the function's network interfaces with the execution role: the actions of AWS's managed AWSLambdaVPCAccessExecutionRole.
        const vpc = { 'ec2:Vpc': arn('ec2', `vpc/${VPC_ID}`) };
        for (const action of ['ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces']) add('Lambda looks up the network', { action, resource: '*' });
        for (const subnet of vpcConfig.subnet_ids as string[])
          add('Lambda creates an interface in a subnet', { action: 'ec2:CreateNetworkInterface', resource: arn('ec2', `subnet/${subnet}`), context: vpc });
        add('Lambda attaches the security group', {
          action: 'ec2:CreateNetworkInterface',
          resource: arn('ec2', 'security-group/sg-0123456789abcdef0'),
          context: vpc,
        });
        add('Lambda creates the interface', { action: 'ec2:CreateNetworkInterface', resource: arn('ec2', 'network-interface/*'), context: vpc });
        for (const action of ['ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses', 'ec2:DeleteNetworkInterface'])
          add('Lambda manages an interface', { action, resource: ENI, context: vpc });
      }
      // The event source mapping polls and deletes with the execution role; an SSE-KMS queue also needs Decrypt through SQS.
      for (const mapping of deployment.resources.filter((r) => r.type === 'aws_lambda_event_source_mapping' && r.values.function_name === f.name)) {
        const queue = String(mapping.values.event_source_arn);
        for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'])
          add('the event source mapping consumes the queue', { action, resource: queue });
        const key = queueKeyOf(deployment.resources, queue);
        if (key)
          add('the mapping reads encrypted messages', { action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` } });
      }
    }
    // EventBridge Scheduler sends each schedule's message to its target with the schedule's role.
    for (const label of ['everything', 'bedrock']) {
      const { deployment, statementsOf } = rolesOf(label === 'everything' ? everything : bedrock);
      for (const schedule of deployment.resources.filter((r) => r.type === 'aws_scheduler_schedule')) {
        const target = (schedule.values.target as Array<{ arn: string; role_arn: string }>)[0];
        const role = roleNameOfArn(target.role_arn);
        if (!role) throw new Error(`${schedule.address}'s role is unknown at plan: ${target.role_arn}`);
        const add = (iam: IamRequest) =>
          calls.push({ role, label, statements: statementsOf(role), why: `the schedule ${String(schedule.values.name)} sends its job`, iam });
        add({ action: 'sqs:SendMessage', resource: target.arn });
        const key = queueKeyOf(deployment.resources, target.arn);
        if (key)
          for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
            add({ action, resource: key, context: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` } });
      }
    }
    return calls;
  };

  test('what Lambda, the event source mapping and the scheduler do with the roles is allowed', () => {
    const denied = platformCalls().flatMap((c) => {
      const d = evaluate(c.statements, c.iam);
      return d.decision === 'allowed' ? [] : [`${c.role}: ${c.why}: ${c.iam.action} on ${c.iam.resource} is ${d.decision}`];
    });
    expect(denied).toEqual([]);
  });

  test('every action a role grants is one its function or the platform was seen to need', () => {
    const needed = new Map<string, Set<string>>();
    const need = (role: string, action: string) => needed.set(role, (needed.get(role) ?? new Set()).add(action.toLowerCase()));
    for (const [key, f] of functions) for (const d of decisions(f, keysOf(key.split('/')[0]))) need(`${key.split('/')[0]}/${f.role}`, d.iam.action);
    for (const c of platformCalls()) need(`${c.label}/${c.role}`, c.iam.action);
    const unused: string[] = [];
    for (const [label, plan] of [
      ['everything', everything],
      ['bedrock', bedrock],
    ] as const) {
      const [deployment] = deploymentsOf(plan);
      for (const [role, entries] of statementsByRole(deployment))
        for (const { statement } of entries)
          for (const action of [statement.Action ?? []].flat())
            if (!needed.get(`${label}/${role}`)?.has(action.toLowerCase()))
              unused.push(`${label}: ${role} grants ${action} (${statement.Sid ?? 'no Sid'}), which nothing here needed`);
    }
    expect([...new Set(unused)]).toEqual([]);
  });

  test('every secret a role may read (the API key, the MCP server token) was read with it', () => {
    const read = new Set<string>();
    for (const [key, f] of functions)
      for (const d of decisions(f, keysOf(key.split('/')[0])))
        if (d.iam.action === 'secretsmanager:GetSecretValue' && d.decision === 'allowed') read.add(`${f.role} ${d.iam.resource}`);
    const grantedSecrets = [...statementsByRole(deploymentsOf(everything)[0])].flatMap(([role, entries]) =>
      entries.flatMap(({ statement }) =>
        [statement.Action ?? []].flat().includes('secretsmanager:GetSecretValue') ? [statement.Resource ?? []].flat().map((arn) => `${role} ${arn}`) : [],
      ),
    );
    expect(grantedSecrets).toEqual(expect.arrayContaining([`claude-agent-role ${MCP_TOKEN_ARN}`, `claude-agent-jobs-role ${MCP_TOKEN_ARN}`]));
    expect(grantedSecrets.filter((grant) => !read.has(grant))).toEqual([]);
  });

  test('what no role may do is denied', () => {
    const { statementsOf } = rolesOf(everything);
    const { statementsOf: bedrockStatementsOf } = rolesOf(bedrock);
    const table = arn('dynamodb', 'table/claude-agent-state');
    const queue = arn('sqs', 'claude-agent-jobs');
    const never: Array<[role: string, statements: readonly IamStatement[], iam: IamRequest]> = [];
    const deny = (role: string, statements: readonly IamStatement[], ...requests: IamRequest[]) =>
      requests.forEach((iam) => never.push([role, statements, iam]));
    for (const role of ['claude-agent-role', 'claude-agent-jobs-role', 'claude-agent-kill-switch-role', 'claude-agent-jobs-scheduler'])
      deny(
        role,
        statementsOf(role),
        { action: 'dynamodb:GetItem', resource: arn('dynamodb', 'table/another-table') },
        { action: 'dynamodb:Scan', resource: table },
        { action: 'dynamodb:Query', resource: table },
        { action: 'dynamodb:DeleteTable', resource: table },
        { action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:another-secret-AbCdEf') },
        { action: 'sqs:SendMessage', resource: arn('sqs', 'another-queue') },
        { action: 'sqs:SendMessage', resource: arn('sqs', 'claude-agent-jobs-dlq') },
        { action: 'sqs:ReceiveMessage', resource: arn('sqs', 'claude-agent-jobs-dlq') },
        { action: 'sqs:PurgeQueue', resource: queue },
        { action: 'events:PutEvents', resource: arn('events', 'event-bus/another-bus') },
        { action: 'kms:Decrypt', resource: arn('kms', 'key/11111111-2222-3333-4444-555555555555') },
        { action: 'kms:Encrypt', resource: KEY_ARN },
        { action: 'lambda:UpdateFunctionCode', resource: arn('lambda', 'function:claude-agent') },
        { action: 'lambda:InvokeFunction', resource: arn('lambda', 'function:claude-agent') },
        { action: 'lambda:PutFunctionConcurrency', resource: arn('lambda', 'function:another-function') },
        { action: 'logs:PutLogEvents', resource: arn('logs', 'log-group:/aws/lambda/another-function:log-stream:x') },
        { action: 'iam:PassRole', resource: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/claude-agent-role` },
        { action: 'bedrock:InvokeModelWithResponseStream', resource: `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-opus-4-5` },
        { action: 'bedrock:Retrieve', resource: arn('bedrock', 'knowledge-base/HRDOCS0001') },
        { action: 'bedrock:RetrieveAndGenerate', resource: arn('bedrock', `knowledge-base/${KNOWLEDGE_BASE}`) },
        { action: 'ec2:CreateNetworkInterface', resource: arn('ec2', 'subnet/subnet-0ccccccccccccccccc') },
        {
          action: 'ec2:DeleteNetworkInterface',
          resource: arn('ec2', 'network-interface/eni-0123456789abcdef0'),
          context: { 'ec2:Vpc': arn('ec2', 'vpc/vpc-another') },
        },
      );
    // Only the worker consumes the queue; only the agent and the scheduler send to it; only the kill switch closes functions; only the worker puts events.
    deny(
      'claude-agent-role',
      statementsOf('claude-agent-role'),
      { action: 'sqs:ReceiveMessage', resource: queue },
      { action: 'sqs:DeleteMessage', resource: queue },
    );
    deny('claude-agent-role', statementsOf('claude-agent-role'), { action: 'events:PutEvents', resource: arn('events', 'event-bus/default') });
    deny('claude-agent-role', statementsOf('claude-agent-role'), { action: 'lambda:PutFunctionConcurrency', resource: arn('lambda', 'function:claude-agent') });
    deny('claude-agent-jobs-role', statementsOf('claude-agent-jobs-role'), {
      action: 'lambda:PutFunctionConcurrency',
      resource: arn('lambda', 'function:claude-agent-jobs'),
    });
    deny('claude-agent-kill-switch-role', statementsOf('claude-agent-kill-switch-role'), { action: 'sqs:SendMessage', resource: queue });
    deny('claude-agent-jobs-scheduler', statementsOf('claude-agent-jobs-scheduler'), { action: 'sqs:ReceiveMessage', resource: queue });
    // With a customer key, the state key only through DynamoDB and the queue key only through SQS.
    deny('claude-agent-jobs-scheduler', statementsOf('claude-agent-jobs-scheduler'), {
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
    });
    // Bedrock: a model outside the tiers, and a tier's foundation model called directly, not through its profile.
    const onBedrock = bedrockStatementsOf('claude-agent-role');
    // The action the agent uses and the one it never calls, on what no tier allows.
    const bothInvokes = (resource: string, context?: Record<string, string>): IamRequest[] =>
      ['bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeModel'].map((action) => ({ action, resource, ...(context ? { context } : {}) }));
    deny(
      'claude-agent-role (bedrock)',
      onBedrock,
      ...bothInvokes(`arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-opus-4-1`),
      ...bothInvokes(`arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-haiku-4-5`),
      ...bothInvokes(`arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-opus-4-5`, {
        'bedrock:InferenceProfileArn': arn('bedrock', 'inference-profile/us.anthropic.claude-haiku-4-5'),
      }),
      ...bothInvokes(arn('bedrock', 'inference-profile/eu.anthropic.claude-haiku-4-5')),
      { action: 'bedrock:CreateModelCustomizationJob', resource: arn('bedrock', 'model-customization-job/x') },
      { action: 'dynamodb:GetItem', resource: arn('dynamodb', 'table/claude-agent-state') },
    );
    const allowed = never.flatMap(([role, statements, iam]) => {
      const d = evaluate(statements, iam);
      return d.decision === 'allowed' ? [`${role}: ${iam.action} on ${iam.resource} is allowed by ${d.by}`] : [];
    });
    expect(never.length).toBeGreaterThan(80);
    expect(allowed).toEqual([]);
    // The list can fail: a grant widened to every model lets the Bedrock cases through.
    const widened: IamStatement[] = [...onBedrock, { Sid: 'Widened', Effect: 'Allow', Action: 'bedrock:InvokeModelWithResponseStream', Resource: '*' }];
    expect(never.filter(([role, , iam]) => role.endsWith('(bedrock)') && evaluate(widened, iam).decision === 'allowed').length).toBeGreaterThanOrEqual(4);
  });

  test('a policy that drifts from the code fails: without one action the call it serves is denied', () => {
    const agent = fnOf('everything/claude-agent');
    const without = (action: string): IamStatement[] => agent.statements.map((s) => ({ ...s, Action: [s.Action ?? []].flat().filter((a) => a !== action) }));
    const made = decisions(agent, keysOf('everything'));
    for (const action of ['dynamodb:PutItem', 'sqs:SendMessage', 'secretsmanager:GetSecretValue']) {
      const calls = made.filter((d) => d.iam.action === action);
      expect([action, calls.length > 0]).toEqual([action, true]);
      for (const call of calls) expect(evaluate(without(action), call.iam).decision).toBe('implicitly denied');
    }
  });
});
