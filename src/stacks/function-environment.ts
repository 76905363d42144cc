/**
 * The function's environment, derived from the settings table: every setting
 * a variable delivers reaches the function under its environment name, as
 * its variable's value (or the stack local computed from it), text as
 * Lambda needs it, and only when the table's `onlyWhen` holds. Empty strings
 * and lists are left out, so the function applies its own default. Only
 * references to secrets ever appear, never their values.
 */
import { SETTINGS, type SettingName } from '../function/settings/table';
import type { Setting } from '../function/settings/types';
import { COLLECTION_TYPES, renderCondition, variableDelivery, variableRef } from './setting-variables';

/** Which function's environment: the agent's (behind the URL), or the jobs worker's (the agent's and its own settings). */
export type EnvironmentTarget = 'agent' | 'worker';

/** The environment's HCL: a `merge` of the settings always present and the conditional ones. */
export function functionEnvironmentExpression(target: EnvironmentTarget = 'agent'): string {
  const always: string[] = [];
  const conditional: string[] = [];
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[SettingName, Setting]>) {
    if (!reaches(setting, target)) continue;
    if (setting.delivery.by === 'stack') {
      conditional.push(`local.${setting.delivery.onlyWhen} ? { ${name} = local.${setting.delivery.local} } : {}`);
      continue;
    }
    if (setting.delivery.by !== 'variable') continue;
    const conditions = conditionsOf(name, setting);
    if (conditions.length === 0) always.push(entryOf(name, setting));
    else conditional.push(conditionalEntry(name, setting));
  }
  return `\${merge({ ${always.join(', ')} }, ${conditional.join(', ')})}`;
}

/** `NAME = <value>` of a setting a variable delivers. */
function entryOf(name: SettingName, setting: Setting): string {
  return `${name} = ${valueOf(name, setting)}`;
}

/** The setting's entry as a map that is empty unless its conditions hold. */
function conditionalEntry(name: SettingName, setting: Setting): string {
  return `${conditionsOf(name, setting).join(' && ')} ? { ${entryOf(name, setting)} } : {}`;
}

/** Lambda's limit on a function's environment, keys and values together. @unit bytes */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** How many of the largest settings a refusal names. */
const LARGEST_NAMED = 3;

/**
 * A precondition that refuses at plan an environment Lambda would refuse at
 * apply (over 4 KB), naming its largest settings. It counts the environment
 * as JSON, in UTF-8 bytes (base64 is the one Terraform function that sees
 * bytes): a little more than Lambda's keys and values, which errs on the safe
 * side. A value unknown until apply (a secret created in the same apply)
 * makes the check wait for apply, where it refuses before Lambda is called.
 */
export function environmentSizeCheck(environment: string, functionLabel: string): { condition: string; errorMessage: string } {
  const bytes = `ceil(length(base64encode(jsonencode(${environment}))) * 3 / 4)`;
  const largest = `[for entry in slice(reverse(sort([for k, v in ${environment} : format("%06d %s", length(k) + ceil(length(base64encode(v)) * 3 / 4), k)])), 0, min(${LARGEST_NAMED}, length(${environment}))) : replace(entry, "/^0*([0-9]+) (.*)$/", "$2 ($1 bytes)")]`;
  return {
    condition: `\${${bytes} <= ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}}`,
    errorMessage: `The ${functionLabel}'s environment would be \${${bytes}} bytes, and Lambda refuses more than ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} (4 KB). The largest settings: \${join(", ", ${largest})}. Shorten them (fewer auth_token_sha256 digests: for many callers, sign them in with jwt_issuer or cognito_user_pool_enabled instead of shared tokens; a shorter system_prompt), or move a long system prompt into the bundled system-prompt.md.`,
  };
}

/** The names of the settings that reach the function (or the worker) from Terraform: a variable's value or a stack local. */
export function deployedSettings(target: EnvironmentTarget = 'agent'): SettingName[] {
  return (Object.keys(SETTINGS) as SettingName[]).filter((name) => {
    const setting: Setting = SETTINGS[name];
    return (setting.delivery.by === 'variable' || setting.delivery.by === 'stack') && reaches(setting, target);
  });
}

/** Whether `target` is given the setting: the agent is not given the worker's own. */
function reaches(setting: Setting, target: EnvironmentTarget): boolean {
  const { delivery } = setting;
  return target === 'worker' || !((delivery.by === 'variable' || delivery.by === 'stack') && delivery.worker);
}

function valueOf(name: SettingName, setting: Setting): string {
  const delivery = variableDelivery(name);
  const source = delivery.fromLocal ? `local.${delivery.fromLocal}` : `var.${delivery.variable}`;
  switch (setting.type) {
    case 'int':
      return delivery.capBy ? `tostring(min(${source}, ${variableRef(delivery.capBy)}))` : `tostring(${source})`;
    case 'number':
    case 'bool':
      return `tostring(${source})`;
    case 'list':
      return `join(",", ${source})`;
    case 'map':
    case 'prices':
    case 'mcp_servers':
      return `jsonencode(${source})`;
    case 'enum':
    case 'string':
      return source;
  }
}

/** When a setting reaches the function: its `onlyWhen`, and (for variables taken as they are) not being empty. */
function conditionsOf(name: SettingName, setting: Setting): string[] {
  const delivery = variableDelivery(name);
  const conditions = delivery.onlyWhen ? [`(${renderCondition(delivery.onlyWhen)})`] : [];
  if (delivery.fromLocal && delivery.presentWhen) conditions.push(`local.${delivery.presentWhen}`);
  // A value computed by a stack local is always passed: an emptiness test could make the whole map unknown at plan.
  if (!delivery.fromLocal && setting.type === 'string') conditions.push(`var.${delivery.variable} != ""`);
  if (!delivery.fromLocal && COLLECTION_TYPES.has(setting.type)) conditions.push(`length(var.${delivery.variable}) > 0`);
  return conditions;
}

/**
 * The cost breaker's environment: the settings the table delivers to it
 * (the stack local each names), plus the metrics' namespace when it is not
 * the default, so its log line counts where the agent's do.
 */
export function breakerEnvironmentExpression(): string {
  const entries = (Object.entries(SETTINGS) as Array<[SettingName, Setting]>).flatMap(([name, setting]) =>
    setting.delivery.by === 'breaker' ? [`${name} = join(",", local.${setting.delivery.local})`] : [],
  );
  return `\${merge({ ${entries.join(', ')} }, ${conditionalEntry('METRICS_NAMESPACE', SETTINGS.METRICS_NAMESPACE)})}`;
}
