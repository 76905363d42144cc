/**
 * Policy rule for model access: a function role's Bedrock grants name exactly
 * the models its function may call (MODEL_ID, or each model of MODEL_TIERS),
 * no other, and each of them; an Anthropic API deployment has none.
 */
import { PROFILE_PREFIX as PROFILE_PREFIX_PATTERN } from '../stacks/model-locals';
import type { PlannedResource } from '../terraform/terraform';
import { envUnknown, functionEnv, list, resourcesOf, roleNameOf, statementsByRole, type Deployment, type RoleStatement } from './deployments';
import { violation, type PolicyRule } from './rule';
import { KNOWLEDGE_BASE_ACTION } from './rules-tools';

const ID = 'AGENT-MODEL-001';
/** A cross-Region inference profile's geography prefix, as the stack reads it. */
const PROFILE_PREFIX = new RegExp(PROFILE_PREFIX_PATTERN);
const PROFILE_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:inference-profile\/(.+)$/;
const MODEL_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]*::foundation-model\/(.+)$/;

/** The model ids a function may call, from its environment: every tier's, or its one model. */
function modelsOf(fn: PlannedResource): string[] {
  const env = functionEnv(fn);
  if (env.MODEL_TIERS) {
    try {
      return Object.values(JSON.parse(env.MODEL_TIERS) as Record<string, string>);
    } catch {
      return [];
    }
  }
  return env.MODEL_ID ? [env.MODEL_ID] : [];
}

/** A Bedrock action about models: knowledge-base retrieval (bedrock:Retrieve) is AGENT-KB-001's. */
const isBedrock = (action: string) => action.toLowerCase().startsWith('bedrock:') && action.toLowerCase() !== KNOWLEDGE_BASE_ACTION.toLowerCase();

/** What a Bedrock resource ARN grants, as the profile or the foundation model it names. */
function grantOf(arn: string): { profile?: string; foundation?: string } {
  const profile = PROFILE_ARN.exec(arn)?.[1];
  if (profile) return { profile };
  const foundation = MODEL_ARN.exec(arn)?.[1];
  return foundation ? { foundation } : {};
}

function check(d: Deployment): ReturnType<PolicyRule['check']> {
  const byRole = statementsByRole(d);
  return resourcesOf(d, 'aws_lambda_function').flatMap((fn) => {
    // An environment known only after apply is reported as not evaluated (evaluatePlan).
    if (envUnknown(d, fn)) return [];
    const role = roleNameOf(fn);
    const grants: RoleStatement[] = (role ? (byRole.get(role) ?? []) : []).filter(({ statement }) => list(statement.Action).some(isBedrock));
    if (functionEnv(fn).LLM_PROVIDER !== 'bedrock') {
      return grants.map(({ resource, statement }) =>
        violation(
          ID,
          resource,
          `${String(fn.values.function_name)} does not use Bedrock, yet statement ${statement.Sid ?? '(no Sid)'} grants ${list(statement.Action).join(', ')}`,
        ),
      );
    }
    const models = modelsOf(fn);
    const profiles = new Set(models.filter((m) => PROFILE_PREFIX.test(m)));
    const foundations = new Set(models.map((m) => m.replace(PROFILE_PREFIX, '')));
    const granted = { profiles: new Set<string>(), foundations: new Set<string>() };
    const extra = grants.flatMap(({ resource, statement }) =>
      list(statement.Resource).flatMap((arn) => {
        const { profile, foundation } = grantOf(arn);
        if (profile !== undefined && profiles.has(profile)) {
          granted.profiles.add(profile);
          return [];
        }
        if (foundation !== undefined && foundations.has(foundation)) {
          granted.foundations.add(foundation);
          return [];
        }
        return [
          violation(
            ID,
            resource,
            `grants ${list(statement.Action).join(', ')} on ${arn}, a model ${String(fn.values.function_name)} may not call (${models.join(', ') || 'none'})`,
          ),
        ];
      }),
    );
    const missing = models
      .filter((m) => (PROFILE_PREFIX.test(m) ? !granted.profiles.has(m) : !granted.foundations.has(m)))
      .map((m) => violation(ID, fn, `may call ${m}, but its role is granted no Bedrock access to it: requests on it would be denied`));
    return [...extra, ...missing];
  });
}

export const MODEL_RULES: readonly PolicyRule[] = [
  {
    id: ID,
    reason:
      "Bedrock permissions name exactly the models each function may call (MODEL_ID, or every model of MODEL_TIERS); an Anthropic API deployment's roles have none.",
    check,
  },
];
