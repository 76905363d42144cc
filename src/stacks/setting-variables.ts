/**
 * Terraform variables derived from the function's settings table: the type,
 * default, description and validations of every setting a variable delivers,
 * and the table's cross-setting rules as validations of the variable they
 * belong to. Conditions are rendered to HCL from the table's typed form.
 */
import { SETTINGS, SETTING_RULES, type SettingName } from '../function/settings/table';
import { BUILT_IN_PRICES } from '../function/agent/pricing';
import type { Condition, McpServersSetting, PricesSetting, Setting } from '../function/settings/types';
import { derivedNameValidations } from './derived-names';
import type { VariableSpec, VariableValidation } from './variable-types';

type VariableDelivery = Extract<Setting['delivery'], { by: 'variable' }>;

const DELIVERED_BY: Readonly<Record<Exclude<Setting['delivery']['by'], 'variable'>, string>> = {
  stack: 'computed by the stack',
  breaker: 'computed by the stack for the cost breaker',
  lambda: 'set by Lambda',
  local: 'for local use only',
};

/** The delivery of a setting that a variable sets; throws for one that none does. */
export function variableDelivery(name: SettingName): VariableDelivery {
  const delivery: Setting['delivery'] = SETTINGS[name].delivery;
  if (delivery.by !== 'variable') throw new Error(`Setting ${name} is not set by a Terraform variable (it is ${DELIVERED_BY[delivery.by]}).`);
  return delivery;
}

/** `var.<variable>` of the setting `name`. */
export function variableRef(name: string): string {
  return `var.${variableDelivery(name as SettingName).variable}`;
}

/** The variable that delivers setting `name`, with its validations. */
export function settingVariable(name: SettingName): VariableSpec {
  const setting: Setting = SETTINGS[name];
  const { variable, group } = variableDelivery(name);
  const rules = SETTING_RULES.filter((rule) => rule.setting === name).map((rule) => ({
    condition: `\${${renderCondition(rule.holds)}}`,
    errorMessage: rule.message((setting) => variableDelivery(setting as SettingName).variable),
  }));
  const validation = [...validationsOf(variable, setting), ...rules, ...(STACK_VALIDATIONS[variable]?.() ?? [])];
  return {
    name: variable,
    group,
    type: TERRAFORM_TYPES[setting.type],
    default: setting.default,
    description: setting.description,
    ...(validation.length > 0 ? { validation } : {}),
  };
}

/** Checks of what the stack builds when a setting's variable turns a feature on (the names it derives), beside the table's own. */
const STACK_VALIDATIONS: Readonly<Record<string, () => VariableValidation[]>> = {
  async_jobs_enabled: () => derivedNameValidations('async_jobs_enabled'),
};

const TERRAFORM_TYPES: Readonly<Record<Setting['type'], string>> = {
  int: 'number',
  number: 'number',
  bool: 'bool',
  enum: 'string',
  string: 'string',
  list: 'list(string)',
  map: 'map(string)',
  prices:
    'map(object({ input_usd_per_mtok = number, output_usd_per_mtok = number, cache_write_usd_per_mtok = optional(number), cache_read_usd_per_mtok = optional(number) }))',
  mcp_servers: 'map(object({ url = string, auth_secret_arn = optional(string), allowed_tools = optional(list(string)), timeout_ms = optional(number) }))',
};

/** Setting types whose value is a collection: empty is `length(...) == 0`, and an empty one never reaches the function. */
export const COLLECTION_TYPES: ReadonlySet<Setting['type']> = new Set(['list', 'map', 'prices', 'mcp_servers']);

function validationsOf(variable: string, setting: Setting): VariableValidation[] {
  const v = `var.${variable}`;
  switch (setting.type) {
    case 'int':
      return [
        {
          condition: `\${${v} == floor(${v}) && ${v} >= ${setting.min} && ${v} <= ${setting.max}}`,
          errorMessage: `${variable} must be a whole number of ${setting.unit} from ${setting.min} to ${setting.max}.`,
        },
      ];
    case 'number':
      return [
        {
          condition: `\${${v} >= ${setting.min} && ${v} <= ${setting.max}}`,
          errorMessage: `${variable} must be a number of ${setting.unit} from ${setting.min} to ${setting.max}.`,
        },
      ];
    case 'enum':
      return [
        {
          condition: `\${contains(${JSON.stringify(setting.values)}, ${v})}`,
          errorMessage: `${variable} must be one of ${setting.values.map((x) => `"${x}"`).join(', ')}.`,
        },
      ];
    case 'string':
      return [
        ...(setting.pattern
          ? [
              {
                condition: `\${${v} == "" || can(regex(${JSON.stringify(setting.pattern.regex)}, ${v}))}`,
                errorMessage: `${variable} must be empty or ${setting.pattern.expected}.`,
              },
            ]
          : []),
        ...(setting.maxLength
          ? [
              {
                condition: `\${length(${v}) <= ${setting.maxLength.chars}}`,
                errorMessage: `${variable} must be at most ${setting.maxLength.chars} characters (${setting.maxLength.why}).`,
              },
            ]
          : []),
      ];
    case 'list':
      return setting.itemPattern
        ? [
            {
              condition: `\${alltrue([for item in ${v} : can(regex(${JSON.stringify(setting.itemPattern.regex)}, item))])}`,
              errorMessage: `${variable} must hold ${setting.itemPattern.expected}.`,
            },
          ]
        : [];
    case 'map':
      return [
        {
          condition: `\${length(${v}) <= ${setting.maxEntries}}`,
          errorMessage: `${variable} must have at most ${setting.maxEntries} entries.`,
        },
        {
          condition: `\${alltrue([for key in keys(${v}) : can(regex(${JSON.stringify(setting.keyPattern.regex)}, key))])}`,
          errorMessage: `${variable} must have names that are each ${setting.keyPattern.expected}.`,
        },
        {
          condition: `\${alltrue([for value in values(${v}) : can(regex(${JSON.stringify(setting.valuePattern.regex)}, value))])}`,
          errorMessage: `${variable} must have values that are ${setting.valuePattern.expected}.`,
        },
      ];
    case 'prices':
      return priceValidations(variable, setting);
    case 'mcp_servers':
      return mcpServerValidations(variable, setting);
    case 'bool':
      return [];
  }
}

/**
 * A price table's shape, and that every model the deployment may call has a
 * price (built in, or in the table): a model without one would spend where
 * budgets, CostUSD and the cost alarms cannot see. The message names the models.
 */
function priceValidations(variable: string, setting: PricesSetting): VariableValidation[] {
  const v = `var.${variable}`;
  const within = (x: string) => `${x} >= 0 && ${x} <= ${setting.maxUsdPerMtok}`;
  const models = `concat(${setting.pricedModels
    .map((name) => {
      const named: Setting = SETTINGS[name as SettingName];
      return named.type === 'map' ? `values(${variableRef(name)})` : `${variableRef(name)} == "" ? [] : [${variableRef(name)}]`;
    })
    .map((list) => `(${list})`)
    .join(', ')})`;
  const priced = (m: string) =>
    `(contains(keys(${v}), ${m}) || anytrue([for pattern in ${JSON.stringify(BUILT_IN_PRICES.map((p) => p.pattern))} : can(regex(pattern, ${m}))]))`;
  const namers = setting.pricedModels.map((name) => variableDelivery(name as SettingName).variable).join(' or ');
  return [
    { condition: `\${length(${v}) <= ${setting.maxEntries}}`, errorMessage: `${variable} must have at most ${setting.maxEntries} entries.` },
    {
      condition: `\${alltrue([for key in keys(${v}) : can(regex(${JSON.stringify(setting.keyPattern.regex)}, key))])}`,
      errorMessage: `${variable} must have names that are each ${setting.keyPattern.expected}.`,
    },
    {
      condition: `\${alltrue([for price in values(${v}) : ${within('price.input_usd_per_mtok')} && ${within('price.output_usd_per_mtok')} && ${within('coalesce(price.cache_write_usd_per_mtok, 0)')} && ${within('coalesce(price.cache_read_usd_per_mtok, 0)')}])}`,
      errorMessage: `${variable} must have prices from 0 to ${setting.maxUsdPerMtok} US dollars per million tokens.`,
    },
    {
      condition: `\${alltrue([for model in ${models} : ${priced('model')}])}`,
      errorMessage: `\${join(", ", distinct([for model in ${models} : model if !${priced('model')}]))}: ${namers} names a model with no price, so its spend would escape the budgets, CostUSD and the cost alarms. Add it to ${variable}, e.g. ${variable} = { "model-id" = { input_usd_per_mtok = 1, output_usd_per_mtok = 5 } }.`,
    },
  ];
}

/** An MCP server map's shape, each message naming the servers at fault; the function checks the same (settings/read). */
function mcpServerValidations(variable: string, setting: McpServersSetting): VariableValidation[] {
  const v = `var.${variable}`;
  const regex = (pattern: { regex: string }, x: string) => `can(regex(${JSON.stringify(pattern.regex)}, ${x}))`;
  const each = (test: string, message: string): VariableValidation => ({
    condition: `\${alltrue([for name, server in ${v} : ${test}])}`,
    errorMessage: `${variable}: \${join(", ", [for name, server in ${v} : name if !(${test})])}: ${message}`,
  });
  const tools = 'coalesce(server.allowed_tools, ["-"])';
  const { min, max } = setting.timeoutMs;
  return [
    { condition: `\${length(${v}) <= ${setting.maxEntries}}`, errorMessage: `${variable} must have at most ${setting.maxEntries} servers.` },
    {
      condition: `\${alltrue([for name in keys(${v}) : length(name) <= ${setting.maxKeyChars} && ${regex(setting.keyPattern, 'name')}])}`,
      errorMessage: `${variable} must have names that are each ${setting.keyPattern.expected}.`,
    },
    each(regex(setting.urlPattern, 'server.url'), `url must be ${setting.urlPattern.expected}.`),
    each(
      `server.auth_secret_arn == null || ${regex(setting.secretArnPattern, 'coalesce(server.auth_secret_arn, "-")')}`,
      `auth_secret_arn must be ${setting.secretArnPattern.expected}.`,
    ),
    each(
      `server.allowed_tools == null || (length(${tools}) >= 1 && length(${tools}) <= ${setting.maxAllowedTools} && alltrue([for tool in ${tools} : ${regex(setting.toolNamePattern, 'tool')} && length(name) + 2 + length(tool) <= ${setting.maxToolNameChars}]))`,
      `allowed_tools must hold 1 to ${setting.maxAllowedTools} ${setting.toolNamePattern.expected}, each with the server's name and "__" at most ${setting.maxToolNameChars} characters (the name the model sees); leave it out to allow every tool.`,
    ),
    each(
      `server.timeout_ms == null || (coalesce(server.timeout_ms, ${min}) == floor(coalesce(server.timeout_ms, ${min})) && coalesce(server.timeout_ms, ${min}) >= ${min} && coalesce(server.timeout_ms, ${min}) <= ${max})`,
      `timeout_ms must be a whole number of milliseconds from ${min} to ${max}.`,
    ),
  ];
}

/** A table condition as an HCL expression over the variables. */
export function renderCondition(condition: Condition): string {
  const empty = (name: string) => {
    const setting: Setting = SETTINGS[name as SettingName];
    // No variable sets a local setting: in Terraform it is always empty.
    if (setting.delivery.by === 'local') return 'true';
    return COLLECTION_TYPES.has(setting.type) ? `length(${variableRef(name)}) == 0` : `${variableRef(name)} == ""`;
  };
  if ('equals' in condition) return `${variableRef(condition.equals[0])} == ${JSON.stringify(condition.equals[1])}`;
  if ('differs' in condition) return `${variableRef(condition.differs[0])} != ${JSON.stringify(condition.differs[1])}`;
  if ('isEmpty' in condition) return empty(condition.isEmpty);
  if ('notEmpty' in condition) return `!(${empty(condition.notEmpty)})`;
  if ('isTrue' in condition) return variableRef(condition.isTrue);
  if ('isPositive' in condition) return `${variableRef(condition.isPositive)} > 0`;
  if ('stackFlag' in condition) return `var.${condition.stackFlag}`;
  if ('isKeyOf' in condition) return `contains(keys(${variableRef(condition.isKeyOf[1])}), ${variableRef(condition.isKeyOf[0])})`;
  if ('all' in condition) return condition.all.map((c) => `(${renderCondition(c)})`).join(' && ');
  return condition.any.map((c) => `(${renderCondition(c)})`).join(' || ');
}
