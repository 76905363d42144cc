/**
 * Policy rules for what the agent's tools and its provider reach: a function
 * role reads exactly the secrets its function's settings name (the Anthropic
 * API key, the MCP servers' token secrets), and retrieves from exactly the
 * knowledge bases they name; no other, and each of them.
 */
import type { PlannedResource } from '../terraform/terraform';
import { envUnknown, functionEnv, list, resourcesOf, roleNameOf, statementsByRole, type Deployment } from './deployments';
import { violation, type PolicyRule, type Violation } from './rule';

/** The action knowledge_base_search needs. */
export const KNOWLEDGE_BASE_ACTION = 'bedrock:Retrieve';
const KNOWLEDGE_BASE_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:knowledge-base\/([0-9A-Za-z]+)$/;

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

/** A rule that a role's grants of some actions name exactly what its function's settings name. */
interface ExactGrants {
  readonly id: string;
  /** Whether a statement's action is one the rule is about. */
  readonly governs: (action: string) => boolean;
  /** What the function's settings name (ARNs, ids). */
  readonly namedBy: (fn: PlannedResource) => string[];
  /** What a granted resource ARN names, in the terms of `namedBy`. */
  readonly nameOf: (arn: string) => string | undefined;
  /** What a thing is called in messages: "secret", "knowledge base". */
  readonly noun: string;
}

/** Grants of `rule`'s actions on anything the function's settings do not name, and what they name that no grant covers. */
function exactGrants(rule: ExactGrants, d: Deployment): Violation[] {
  const byRole = statementsByRole(d);
  return resourcesOf(d, 'aws_lambda_function').flatMap((fn) => {
    // An environment known only after apply (a secret created in the same apply) is reported as not evaluated.
    if (envUnknown(d, fn)) return [];
    const role = roleNameOf(fn);
    const grants = (role ? (byRole.get(role) ?? []) : []).filter(({ statement }) => statement.Effect !== 'Deny' && list(statement.Action).some(rule.governs));
    const named = rule.namedBy(fn);
    const granted = new Set<string>();
    const extra = grants.flatMap(({ resource, statement }) =>
      list(statement.Resource).flatMap((arn) => {
        const name = rule.nameOf(arn);
        if (name !== undefined && named.includes(name)) {
          granted.add(name);
          return [];
        }
        const action = list(statement.Action).join(', ');
        return [
          violation(
            rule.id,
            resource,
            `grants ${action} on ${arn}, a ${rule.noun} ${String(fn.values.function_name)} does not use (${named.join(', ') || 'none'})`,
          ),
        ];
      }),
    );
    const missing = named
      .filter((name) => !granted.has(name))
      .map((name) => violation(rule.id, fn, `uses the ${rule.noun} ${name}, but its role may not: the call would be denied`));
    return [...extra, ...missing];
  });
}

const SECRETS: ExactGrants = {
  id: 'AGENT-IAM-005',
  governs: (action) => action.toLowerCase().startsWith('secretsmanager:'),
  namedBy: secretsOf,
  nameOf: (arn) => arn,
  noun: 'secret',
};

const KNOWLEDGE_BASES: ExactGrants = {
  id: 'AGENT-KB-001',
  governs: (action) => action.toLowerCase() === KNOWLEDGE_BASE_ACTION.toLowerCase(),
  namedBy: knowledgeBasesOf,
  nameOf: (arn) => KNOWLEDGE_BASE_ARN.exec(arn)?.[1],
  noun: 'knowledge base',
};

export const TOOL_RULES: readonly PolicyRule[] = [
  {
    id: SECRETS.id,
    reason:
      "Secrets Manager reads name exactly the secrets each function's settings name (anthropic_api_key_secret_arn, mcp_servers' auth_secret_arn), no other, and each of them.",
    check: (d) => exactGrants(SECRETS, d),
  },
  {
    id: KNOWLEDGE_BASES.id,
    reason: "bedrock:Retrieve names exactly the knowledge bases each function's knowledge_base_ids names, no other, and each of them.",
    check: (d) => exactGrants(KNOWLEDGE_BASES, d),
  },
];
