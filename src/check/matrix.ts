/**
 * The tfvars combinations `npm run check` plans: both providers, both auth
 * types, VPC off and on, one with a customer-managed KMS key, and two with
 * the state table (one in a VPC, with its own key), which also have the
 * alarms, the cost kill switch and tracing on, and three with jobs (one with the key
 * and model tiers, one in the VPC with the state table), and one with a
 * Cognito user pool and provisioned concurrency; two of them name MCP servers
 * and a knowledge base.
 * Values are placeholders that only need to be well-formed; nothing is
 * deployed.
 */

export const CHECK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-api-key-AbCdEf';
export const CHECK_MCP_TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-mcp-token-QwErTy';
export const CHECK_KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
/** sha256("check-token"): a digest, never a token, as tfvars should hold. */
export const CHECK_TOKEN_DIGEST = '3a479c4cedd0abd361f3537fbd5546ea193e4a6fb3efb5271bafa5f5e682857a';

export interface Combination {
  readonly name: string;
  readonly tfvars: string;
}

export function checkMatrix(): Combination[] {
  const combos: Combination[] = [];
  for (const provider of ['anthropic', 'bedrock'] as const) {
    for (const auth of ['AWS_IAM', 'NONE'] as const) {
      for (const vpc of [false, true]) {
        const lines = [`llm_provider = "${provider}"`, `function_url_auth_type = "${auth}"`];
        if (provider === 'anthropic') lines.push(`anthropic_api_key_secret_arn = "${CHECK_SECRET_ARN}"`);
        if (auth === 'NONE') lines.push(`auth_token_sha256 = ["${CHECK_TOKEN_DIGEST}"]`);
        if (vpc) {
          lines.push('vpc_id = "vpc-0123456789abcdef0"', 'vpc_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]');
          if (provider === 'anthropic') lines.push('nat_egress_enabled = true');
        }
        combos.push({ name: `${provider}-${auth === 'NONE' ? 'none' : 'iam'}-${vpc ? 'vpc' : 'novpc'}`, tfvars: `${lines.join('\n')}\n` });
      }
    }
  }
  // A customer-managed key: the KMS permission and the encrypted log group are checked too.
  const vpcBedrock = combos.find((c) => c.name === 'bedrock-iam-vpc');
  if (vpcBedrock) combos.push({ name: 'bedrock-iam-vpc-kms', tfvars: `${vpcBedrock.tfvars}kms_key_arn = "${CHECK_KMS_KEY_ARN}"\n` });
  // The state table (sessions and budgets): its encryption, TTL, recovery and permissions are checked too.
  const publicAnthropic = combos.find((c) => c.name === 'anthropic-none-novpc');
  const state = ['sessions_enabled = true', 'caller_daily_token_budget = 200000', 'daily_cost_budget_usd = 50'];
  // With them, the alarms and the kill switch: the topic's encryption, the alarms' actions, the kill switch's role.
  // With tracing: the agent and the worker traced, each role allowed to write to X-Ray, the kill switch untraced.
  const watched = ['alarm_email = "oncall@example.com"', 'cost_kill_switch_enabled = true', 'tracing_enabled = true'];
  // Jobs: the queues, the worker, its mapping, the schedules' role and job events.
  const jobs = [
    'async_jobs_enabled = true',
    'job_events_enabled = true',
    'schedules = { nightly = { schedule_expression = "cron(0 7 * * ? *)", request = { input = "Write the nightly report." } } }',
  ];
  // MCP servers, one with a token secret, and a knowledge base: both functions' roles may read exactly that secret (and the key's), and retrieve from that knowledge base.
  const tools = [
    `mcp_servers = { orders = { url = "https://mcp.example.com/mcp", auth_secret_arn = "${CHECK_MCP_TOKEN_ARN}", allowed_tools = ["lookup_order"] } }`,
    'knowledge_base_ids = ["KB12345678"]',
  ];
  if (publicAnthropic)
    combos.push({
      name: 'anthropic-none-novpc-state-jobs-tools',
      tfvars: `${publicAnthropic.tfvars}${[...state, ...watched, ...jobs, ...tools].join('\n')}\n`,
    });
  // Sign-in with a Cognito pool of its own, and warm capacity: the pool and client settings, the alias the URL serves.
  if (publicAnthropic)
    combos.push({
      name: 'anthropic-none-novpc-cognito-warm',
      tfvars: `${publicAnthropic.tfvars}${['cognito_user_pool_enabled = true', 'cognito_callback_urls = ["https://app.example.com/callback"]', 'provisioned_concurrency = 2'].join('\n')}\n`,
    });
  // Model tiers on Bedrock: both functions' roles may invoke exactly the tiers' models.
  const tiers = [
    'model_tiers = { fast = "us.anthropic.claude-haiku-4-5", deep = "global.anthropic.claude-opus-4-5", plain = "anthropic.claude-sonnet-5-5" }',
    'default_model_tier = "fast"',
  ];
  // Jobs with a customer-managed key (and tiers): the queues, the worker's logs and the KMS grants through SQS.
  const bedrockIam = combos.find((c) => c.name === 'bedrock-iam-novpc');
  if (bedrockIam)
    combos.push({
      name: 'bedrock-iam-novpc-kms-jobs-tiers',
      tfvars: `${bedrockIam.tfvars}${[`kms_key_arn = "${CHECK_KMS_KEY_ARN}"`, ...jobs, ...tiers].join('\n')}\n`,
    });
  // In the VPC, with jobs: the worker is placed where the agent is, with the sqs and events endpoints.
  if (vpcBedrock) {
    combos.push({
      name: 'bedrock-iam-vpc-kms-state-jobs',
      tfvars: `${vpcBedrock.tfvars}${[
        ...state,
        ...jobs,
        `state_kms_key_arn = "${CHECK_KMS_KEY_ARN}"`,
        'vpc_route_table_ids = ["rtb-0123456789abcdef0"]',
        'alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:ops-alarms"',
        'cost_kill_switch_enabled = true',
        // The MCP servers are reached through NAT.
        'nat_egress_enabled = true',
        ...tools,
      ].join('\n')}\n`,
    });
  }
  return combos;
}
