/**
 * The shape of a runtime setting: how the function reads it from its
 * environment, what values it allows, and how it gets there on AWS. Pure
 * data, shared by the function (which parses its environment with it) and
 * the stack (which derives the Terraform variables and the function's
 * environment from it).
 */

/** Where a setting's value comes from. */
export type Delivery =
  /**
   * A Terraform variable named `variable`, listed under `group` in
   * terraform.tfvars.example. The function gets the variable's value, or
   * the stack local `fromLocal` computed from it, capped by `capBy`, and
   * only when `onlyWhen` holds.
   */
  | {
      readonly by: 'variable';
      readonly variable: string;
      readonly group: string;
      /** The environment gets this stack local (computed from the variable) instead of the variable itself. */
      readonly fromLocal?: string;
      /**
       * With `fromLocal`: a stack local (a bool known at plan) saying whether the
       * local has a value; the setting is left out when it is false. @default - a value from a local is always passed
       */
      readonly presentWhen?: string;
      /** The environment gets the smaller of this setting and that one. */
      readonly capBy?: string;
      /** The setting reaches the function only when this holds. @default - always */
      readonly onlyWhen?: Condition;
      /** Only the jobs worker reads it: the agent function is not given it. @default false */
      readonly worker?: boolean;
    }
  /**
   * Computed by the stack from other variables (e.g. the name of a resource it
   * creates): the function gets the stack local `local`, when `onlyWhen` holds.
   */
  | {
      readonly by: 'stack';
      readonly local: string;
      readonly onlyWhen: string;
      /** Only the jobs worker reads it: the agent function is not given it. @default false */
      readonly worker?: boolean;
    }
  /** Computed by the stack for the cost breaker function (src/function/breaker), not the agent: the stack local `local`. */
  | { readonly by: 'breaker'; readonly local: string }
  /** Set by Lambda itself in every execution environment. */
  | { readonly by: 'lambda' }
  /** For local development and tests only: no Terraform variable can set it. */
  | { readonly by: 'local' };

interface Common {
  /** One sentence, for the variable's description, the example file and the README; allowed values spelled out. */
  readonly description: string;
  readonly delivery: Delivery;
}

export interface IntSetting extends Common {
  readonly type: 'int';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Plural noun for messages, e.g. `tokens`, `bytes`. */
  readonly unit: string;
}

/** A decimal number (e.g. dollars), within [min, max]. */
export interface NumberSetting extends Common {
  readonly type: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Noun for messages, e.g. `US dollars`. */
  readonly unit: string;
}

export interface BoolSetting extends Common {
  readonly type: 'bool';
  readonly default: boolean;
}

export interface EnumSetting extends Common {
  readonly type: 'enum';
  readonly values: readonly string[];
  readonly default: string;
}

/** A text that must match `regex` (a pattern both JavaScript and Terraform's RE2 read alike), described by `expected`. */
export interface TextPattern {
  readonly regex: string;
  /** What a valid value looks like, for messages: `an http(s) URL such as "https://gateway.example.com"`. */
  readonly expected: string;
}

/** Strings: empty means "not set", and an empty value never reaches the function. */
export interface StringSetting extends Common {
  readonly type: 'string';
  readonly default: string;
  readonly pattern?: TextPattern;
  readonly maxLength?: { readonly chars: number; readonly why: string };
  /** A secret-free but sensitive value: never echoed. @default false */
  readonly sensitive?: boolean;
}

/** Lists of strings: comma-joined in the environment; an empty list never reaches the function. */
export interface ListSetting extends Common {
  readonly type: 'list';
  readonly default: readonly string[];
  readonly itemPattern?: TextPattern;
}

/**
 * A map of names to strings: JSON in the environment (`{"fast":"claude-haiku-5"}`),
 * `map(string)` in Terraform; an empty map never reaches the function.
 */
export interface MapSetting extends Common {
  readonly type: 'map';
  readonly default: Readonly<Record<string, string>>;
  readonly keyPattern: TextPattern;
  readonly valuePattern: TextPattern;
  /** Most entries. */
  readonly maxEntries: number;
}

/**
 * Model prices: model id → `{ input_usd_per_mtok, output_usd_per_mtok,
 * cache_write_usd_per_mtok?, cache_read_usd_per_mtok? }` (agent/pricing's
 * ModelPrice). JSON in the environment, `map(object(...))` in Terraform (a
 * tfvars file takes it as an object, never an encoded string); an empty map
 * never reaches the function.
 */
export interface PricesSetting extends Common {
  readonly type: 'prices';
  readonly default: Readonly<Record<string, never>>;
  readonly keyPattern: TextPattern;
  readonly maxEntries: number;
  /** Highest price accepted. @unit US dollars per million tokens */
  readonly maxUsdPerMtok: number;
  /** Settings (a string or a map of model ids) whose every model must have a price: built in, or in this map. */
  readonly pricedModels: readonly string[];
}

/**
 * Remote MCP servers: name → `{ url, auth_secret_arn?, allowed_tools?,
 * timeout_ms? }` (tools/mcp/servers' McpServerConfig). JSON in the
 * environment, `map(object(...))` in Terraform (a tfvars file takes it as an
 * object); unset optional attributes arrive as null. An empty map never
 * reaches the function.
 */
export interface McpServersSetting extends Common {
  readonly type: 'mcp_servers';
  readonly default: Readonly<Record<string, never>>;
  /** A server's name, the prefix of its tools' names. */
  readonly keyPattern: TextPattern;
  /** Longest server name. @unit characters */
  readonly maxKeyChars: number;
  /** Most servers. */
  readonly maxEntries: number;
  /** The server's URL. */
  readonly urlPattern: TextPattern;
  /** The secret whose value is the bearer token. */
  readonly secretArnPattern: TextPattern;
  /** A name in `allowed_tools`. */
  readonly toolNamePattern: TextPattern;
  /** Longest name the model sees, `<server>__<tool>`. @unit characters */
  readonly maxToolNameChars: number;
  /** Most names in one server's `allowed_tools`. */
  readonly maxAllowedTools: number;
  /** Bounds of `timeout_ms`. @unit milliseconds */
  readonly timeoutMs: { readonly min: number; readonly max: number };
}

export type Setting = IntSetting | NumberSetting | BoolSetting | EnumSetting | StringSetting | ListSetting | MapSetting | PricesSetting | McpServersSetting;

/**
 * A condition over settings, written once and read two ways: evaluated by
 * the function over its parsed environment, and rendered as HCL over the
 * Terraform variables by the stack.
 */
export type Condition =
  | { readonly equals: readonly [setting: string, value: string] }
  | { readonly differs: readonly [setting: string, value: string] }
  | { readonly isEmpty: string }
  | { readonly notEmpty: string }
  | { readonly isTrue: string }
  /** A number setting above 0 (for limits where 0 is off). */
  | { readonly isPositive: string }
  /**
   * A bool Terraform variable of the stack that is no setting (such as
   * cognito_user_pool_enabled, which makes the stack set the JWT settings):
   * rendered as the variable; the function never sees it, so for the function
   * it is false (and the settings it sets are checked instead).
   */
  | { readonly stackFlag: string }
  /** A string setting that names one of a map setting's keys. */
  | { readonly isKeyOf: readonly [setting: string, map: string] }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

/**
 * A rule that spans settings. Terraform checks it in the validation of
 * `setting`'s variable; the function refuses to start when it fails.
 */
export interface SettingRule {
  readonly setting: string;
  readonly holds: Condition;
  /** The message, with each setting named as the reader knows it (a variable, or an environment name). */
  readonly message: (name: (setting: string) => string) => string;
}
