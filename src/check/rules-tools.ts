/**
 * Policy rules for what the agent's tools and its provider reach: a function
 * role reads exactly the secrets its function's settings name (the Anthropic
 * API key, the MCP servers' token secrets), and retrieves from exactly the
 * knowledge bases they name; no other, and each of them.
 */
import type { PlannedResource } from '../terraform/terraform';
import { envUnknown, functionEnv, list, resourcesOf, roleNameOf, statementsByRole, type Deployment, type RoleStatement } from './deployments';
import { violation, type PolicyRule } from './rule';

const ID = 'AGENT-IAM-005';
const KB_ID = 'AGENT-KB-001';
/** The action knowledge_base_search needs. */
export const KNOWLEDGE_BASE_ACTION = 'bedrock:Retrieve';
const KNOWLEDGE_BASE_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:knowledge-base\/([0-9A-Za-z]+)$/;

const isSecretsManager = (action: string) => action.toLowerCase().startsWith('secretsmanager:');

/** The secrets a function reads, from its environment: the API key's, and each MCP server's token. */
export function secretsOf(fn: PlannedResource): string[] {
  const env = functionEnv(fn);
  const secrets = new Set<string>();
  if (env.ANTHROPIC_API_KEY_SECRET_ARN) secrets.add(env.ANTHROPIC_API_KEY_SECRET_ARN);
  if (env.MCP_SERVERS) {
    try {
      for (const server of Object.values(JSON.parse(env.MCP_SERVERS) as Record<string, { auth_secret_arn?: unknown }>))
        if (typeof server.auth_secret_arn === 'string') secrets.add(server.auth_secret_arn);
    } catch {
      // A malformed value is the function's (and the plan's validation's) to refuse.
    }
  }
  return [...secrets];
}

function check(d: Deployment): ReturnType<PolicyRule['check']> {
  const byRole = statementsByRole(d);
  return resourcesOf(d, 'aws_lambda_function').flatMap((fn) => {
    // An environment known only after apply (a secret created in the same apply) is reported as not evaluated.
    if (envUnknown(d, fn)) return [];
    const role = roleNameOf(fn);
    const grants: RoleStatement[] = (role ? (byRole.get(role) ?? []) : []).filter(
      ({ statement }) => statement.Effect !== 'Deny' && list(statement.Action).some(isSecretsManager),
    );
    const named = secretsOf(fn);
    const granted = new Set<string>();
    const extra = grants.flatMap(({ resource, statement }) =>
      list(statement.Resource).flatMap((arn) => {
        if (named.includes(arn)) {
          granted.add(arn);
          return [];
        }
        return [
          violation(
            ID,
            resource,
            `grants ${list(statement.Action).join(', ')} on ${arn}, a secret ${String(fn.values.function_name)} does not read (${named.join(', ') || 'none'})`,
          ),
        ];
      }),
    );
    const missing = named
      .filter((arn) => !granted.has(arn))
      .map((arn) => violation(ID, fn, `reads the secret ${arn}, but its role may not: the read would be denied`));
    return [...extra, ...missing];
  });
}

/** The knowledge bases a function searches, from its environment. */
function knowledgeBasesOf(fn: PlannedResource): string[] {
  const ids = functionEnv(fn).KNOWLEDGE_BASE_IDS;
  return ids
    ? ids
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '')
    : [];
}

function checkKnowledgeBases(d: Deployment): ReturnType<PolicyRule['check']> {
  const byRole = statementsByRole(d);
  return resourcesOf(d, 'aws_lambda_function').flatMap((fn) => {
    if (envUnknown(d, fn)) return [];
    const role = roleNameOf(fn);
    const grants = (role ? (byRole.get(role) ?? []) : []).filter(
      ({ statement }) => statement.Effect !== 'Deny' && list(statement.Action).some((a) => a.toLowerCase() === KNOWLEDGE_BASE_ACTION.toLowerCase()),
    );
    const named = knowledgeBasesOf(fn);
    const granted = new Set<string>();
    const extra = grants.flatMap(({ resource, statement }) =>
      list(statement.Resource).flatMap((arn) => {
        const id = KNOWLEDGE_BASE_ARN.exec(arn)?.[1];
        if (id !== undefined && named.includes(id)) {
          granted.add(id);
          return [];
        }
        return [
          violation(
            KB_ID,
            resource,
            `grants ${KNOWLEDGE_BASE_ACTION} on ${arn}, not a knowledge base ${String(fn.values.function_name)} searches (${named.join(', ') || 'none'})`,
          ),
        ];
      }),
    );
    const missing = named
      .filter((id) => !granted.has(id))
      .map((id) => violation(KB_ID, fn, `searches the knowledge base ${id}, but its role may not retrieve from it: the search would be denied`));
    return [...extra, ...missing];
  });
}

export const TOOL_RULES: readonly PolicyRule[] = [
  {
    id: ID,
    reason:
      "Secrets Manager reads name exactly the secrets each function's settings name (anthropic_api_key_secret_arn, mcp_servers' auth_secret_arn), no other, and each of them.",
    check,
  },
  {
    id: KB_ID,
    reason: "bedrock:Retrieve names exactly the knowledge bases each function's knowledge_base_ids names, no other, and each of them.",
    check: checkKnowledgeBases,
  },
];
