/**
 * The function's environment, parsed with the settings table: one typed
 * value per setting, its default when unset, and an error that names the
 * variable and what it allows (never the value: a wrong value may be a
 * secret pasted into the wrong place).
 */
import { ConfigError } from '../errors';
import { SETTINGS, SETTING_RULES, type SettingName } from './table';
import type { PriceTable } from '../agent/pricing';
import type { McpServerConfig, McpServers } from '../tools/mcp/servers';
import { isAllowedServerUrl, modelToolName } from '../tools/mcp/servers';
import type { Condition, MapSetting, McpServersSetting, PricesSetting, Setting, SettingRule } from './types';

export type Env = Readonly<Record<string, string | undefined>>;

type ValueOf<S> = S extends { type: 'int' | 'number' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'list' }
      ? readonly string[]
      : S extends { type: 'map' }
        ? Readonly<Record<string, string>>
        : S extends { type: 'prices' }
          ? PriceTable
          : S extends { type: 'mcp_servers' }
            ? McpServers
            : S extends { type: 'enum'; values: readonly (infer V)[] }
              ? V
              : string;

export type Settings = { readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

/** Every setting from `env`; throws ConfigError for a value the table does not allow, or a rule that fails. */
export function readSettings(env: Env): Settings {
  const settings = parseSettings(env);
  const [broken] = brokenRules(settings);
  if (broken)
    throw new ConfigError(
      broken.message((name) => name),
      broken.setting,
    );
  return settings;
}

/**
 * Only the `names` settings from `env`, and the rules about them: what the
 * function needs before anything else (authentication), so a caller is
 * authenticated even when an unrelated setting is broken.
 */
export function readSettingsOf<K extends SettingName>(env: Env, names: readonly K[]): Pick<Settings, K> {
  const values: Record<string, unknown> = {};
  for (const name of names) values[name] = parse(name, SETTINGS[name], env[name]);
  const broken = SETTING_RULES.find((rule) => (names as readonly string[]).includes(rule.setting) && !holds(rule.holds, values as Settings));
  if (broken)
    throw new ConfigError(
      broken.message((name) => name),
      broken.setting,
    );
  return values as Pick<Settings, K>;
}

/** Every setting from `env`, checked one by one but not against the rules that span them. */
export function parseSettings(env: Env): Settings {
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[SettingName, Setting]>) values[name] = parse(name, setting, env[name]);
  return values as Settings;
}

/** The table's rules that `settings` break. */
export function brokenRules(settings: Settings): SettingRule[] {
  return SETTING_RULES.filter((rule) => !holds(rule.holds, settings));
}

/** Whether `condition` holds over parsed settings. */
export function holds(condition: Condition, settings: Partial<Settings>): boolean {
  const value = (name: string): unknown => settings[name as SettingName];
  const empty = (name: string) => {
    const v = value(name);
    return v === '' || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  };
  if ('equals' in condition) return value(condition.equals[0]) === condition.equals[1];
  if ('differs' in condition) return value(condition.differs[0]) !== condition.differs[1];
  if ('isEmpty' in condition) return empty(condition.isEmpty);
  if ('notEmpty' in condition) return !empty(condition.notEmpty);
  if ('isTrue' in condition) return value(condition.isTrue) === true;
  if ('isPositive' in condition) return (value(condition.isPositive) as number) > 0;
  if ('stackFlag' in condition) return false;
  if ('isKeyOf' in condition) {
    const map = value(condition.isKeyOf[1]) as Readonly<Record<string, string>>;
    return Object.prototype.hasOwnProperty.call(map, value(condition.isKeyOf[0]) as string);
  }
  if ('all' in condition) return condition.all.every((c) => holds(c, settings));
  return condition.any.some((c) => holds(c, settings));
}

function parse(name: string, setting: Setting, raw: string | undefined): unknown {
  const text = raw?.trim() ?? '';
  if (text === '') return setting.default;
  const fail = (allowed: string) => new ConfigError(`Environment variable ${name} ${allowed}.`, name);
  switch (setting.type) {
    case 'int': {
      const value = Number(text);
      if (!Number.isInteger(value) || value < setting.min || value > setting.max) throw fail(`must be a whole number from ${setting.min} to ${setting.max}`);
      return value;
    }
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value) || value < setting.min || value > setting.max)
        throw fail(`must be a number of ${setting.unit} from ${setting.min} to ${setting.max}`);
      return value;
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw fail('must be "true" or "false"');
    }
    case 'enum':
      if (!setting.values.includes(text)) throw fail(`must be one of ${setting.values.join(', ')}`);
      return text;
    case 'string':
      if (setting.pattern && !new RegExp(setting.pattern.regex).test(text)) throw fail(`must be ${setting.pattern.expected}`);
      if (setting.maxLength && text.length > setting.maxLength.chars)
        throw fail(`must be at most ${setting.maxLength.chars} characters (${setting.maxLength.why})`);
      return text;
    case 'list': {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (setting.itemPattern && items.some((item) => !new RegExp(setting.itemPattern!.regex).test(item)))
        throw fail(`must hold ${setting.itemPattern.expected}, comma-separated`);
      return items;
    }
    case 'map':
      return parseMap(text, setting, fail);
    case 'prices':
      return parsePrices(text, setting, fail);
    case 'mcp_servers':
      return parseMcpServers(text, setting, fail);
  }
}

const MCP_SERVER_FIELDS: ReadonlySet<string> = new Set(['url', 'auth_secret_arn', 'allowed_tools', 'timeout_ms']);

/**
 * A JSON object of server names to `{ url, auth_secret_arn?, allowed_tools?,
 * timeout_ms? }`; optional fields may be null (Terraform's jsonencode writes
 * unset optional attributes so). The message names the server and the field.
 */
function parseMcpServers(text: string, setting: McpServersSetting, fail: (allowed: string) => ConfigError): McpServers {
  const shape = 'a JSON object of server names to {"url":"https://…","auth_secret_arn":"arn:…"|null,"allowed_tools":["tool"]|null,"timeout_ms":n|null}';
  const entries = namedEntries(text, setting, shape, fail);
  const servers: Record<string, McpServerConfig> = {};
  for (const [name, value] of entries) {
    if (name.length > setting.maxKeyChars) throw fail(`must have server names of at most ${setting.maxKeyChars} characters ("${name}" has ${name.length})`);
    const bad = (field: string, allowed: string) => fail(`has server "${name}" whose ${field} must be ${allowed}`);
    if (!isJsonObject(value)) throw fail(`must be ${shape}`);
    const unknown = Object.keys(value).find((key) => !MCP_SERVER_FIELDS.has(key));
    if (unknown !== undefined) throw bad('fields', `url, auth_secret_arn, allowed_tools and timeout_ms only (not "${unknown}")`);
    const { url, auth_secret_arn: secret, allowed_tools: tools, timeout_ms: timeout } = value;
    if (typeof url !== 'string' || !new RegExp(setting.urlPattern.regex).test(url) || !isAllowedServerUrl(url)) throw bad('url', setting.urlPattern.expected);
    const config: { -readonly [K in keyof McpServerConfig]: McpServerConfig[K] } = { url };
    if (secret !== undefined && secret !== null) {
      if (typeof secret !== 'string' || !new RegExp(setting.secretArnPattern.regex).test(secret))
        throw bad('auth_secret_arn', setting.secretArnPattern.expected);
      config.authSecretArn = secret;
    }
    if (tools !== undefined && tools !== null) {
      if (!Array.isArray(tools) || tools.length === 0 || tools.length > setting.maxAllowedTools)
        throw bad('allowed_tools', `a list of 1 to ${setting.maxAllowedTools} tool names (leave it out to allow every tool)`);
      const list = tools as unknown[];
      const wrong = list.find((tool) => typeof tool !== 'string' || !new RegExp(setting.toolNamePattern.regex).test(tool));
      if (wrong !== undefined) throw bad('allowed_tools', setting.toolNamePattern.expected);
      const long = (list as string[]).find((tool) => modelToolName(name, tool).length > setting.maxToolNameChars);
      if (long !== undefined)
        throw bad(
          'allowed_tools',
          `names the model can see: "${modelToolName(name, long)}" is longer than ${setting.maxToolNameChars} characters (shorten the server's name)`,
        );
      config.allowedTools = Object.freeze([...(list as string[])]);
    }
    if (timeout !== undefined && timeout !== null) {
      const { min, max } = setting.timeoutMs;
      if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < min || timeout > max)
        throw bad('timeout_ms', `a whole number of milliseconds from ${min} to ${max}`);
      config.timeoutMs = timeout;
    }
    servers[name] = Object.freeze(config);
  }
  return Object.freeze(servers);
}

const PRICE_FIELDS = ['input_usd_per_mtok', 'output_usd_per_mtok', 'cache_write_usd_per_mtok', 'cache_read_usd_per_mtok'] as const;
const OPTIONAL_PRICE_FIELDS: ReadonlySet<string> = new Set(['cache_write_usd_per_mtok', 'cache_read_usd_per_mtok']);

/** A JSON object of model ids to prices; optional prices may be null (Terraform's jsonencode writes unset optional attributes so). */
function parsePrices(text: string, setting: PricesSetting, fail: (allowed: string) => ConfigError): PriceTable {
  const shape = `a JSON object of model ids to {"input_usd_per_mtok":n,"output_usd_per_mtok":n} (cache_write_usd_per_mtok and cache_read_usd_per_mtok optional), each from 0 to ${setting.maxUsdPerMtok}`;
  const entries = namedEntries(text, setting, shape, fail);
  for (const [, price] of entries) {
    if (!isJsonObject(price) || Object.keys(price).some((k) => !(PRICE_FIELDS as readonly string[]).includes(k))) throw fail(`must be ${shape}`);
    for (const field of PRICE_FIELDS) {
      const value = price[field];
      if ((value === undefined || value === null) && OPTIONAL_PRICE_FIELDS.has(field)) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > setting.maxUsdPerMtok) throw fail(`must be ${shape}`);
    }
  }
  return Object.freeze(Object.fromEntries(entries)) as PriceTable;
}

/** A JSON object of strings, each name and value as the setting allows. */
function parseMap(text: string, setting: MapSetting, fail: (allowed: string) => ConfigError): Readonly<Record<string, string>> {
  const entries = namedEntries(text, setting, 'a JSON object of names to strings, e.g. {"fast":"claude-haiku-5"}', fail);
  for (const [, value] of entries) {
    if (typeof value !== 'string' || !new RegExp(setting.valuePattern.regex).test(value))
      throw fail(`must have values that are ${setting.valuePattern.expected}`);
  }
  return Object.freeze(Object.fromEntries(entries as Array<[string, string]>));
}

/** The entries of a JSON object (a map or price setting): at most `maxEntries`, each name matching `keyPattern`. */
function namedEntries(
  text: string,
  setting: Pick<MapSetting, 'keyPattern' | 'maxEntries'>,
  shape: string,
  fail: (allowed: string) => ConfigError,
): Array<[string, unknown]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(`must be ${shape}`);
  }
  if (!isJsonObject(json)) throw fail(`must be ${shape}`);
  const entries = Object.entries(json);
  if (entries.length > setting.maxEntries) throw fail(`must have at most ${setting.maxEntries} entries`);
  for (const [key] of entries) {
    if (!new RegExp(setting.keyPattern.regex).test(key)) throw fail(`must have names that are each ${setting.keyPattern.expected}`);
  }
  return entries;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
