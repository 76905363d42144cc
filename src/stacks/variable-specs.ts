/**
 * Every deploy-time knob of the agent stack, as Terraform variables: the
 * source of the synthesized `variable` blocks and of the order of
 * `terraform.tfvars.example` and the README's table. Each group lists first
 * the variables that deliver a function setting (derived from the settings
 * table, src/function/settings/table.ts, in its order), then the stack's own
 * variables (variables-*.ts, one file per area). Adding a setting to the
 * table is all it takes to add its variable.
 */
import { SETTINGS, type SettingName } from '../function/settings/table';
import { settingVariable } from './setting-variables';
import { ACCESS_VARIABLES } from './variables-access';
import { CORE_VARIABLES } from './variables-core';
import { ENCRYPTION_VARIABLES } from './variables-encryption';
import { JOB_VARIABLES } from './variables-jobs';
import { OBSERVABILITY_VARIABLES } from './variables-observability';
import { RUNTIME_VARIABLES } from './variables-runtime';
import { SIGN_IN_VARIABLES } from './variables-sign-in';
import { STATE_VARIABLES } from './variables-state';
import type { VariableSpec } from './variable-types';

/** Banners of terraform.tfvars.example, in order. */
export const VARIABLE_GROUPS = [
  'Placement',
  'Model',
  'Anthropic API',
  'Function URL',
  'Sign-in (optional)',
  'VPC (optional)',
  'Function',
  'Abuse limits',
  'Tools',
  'Observability',
  'Sessions and budgets',
  'Jobs',
  'Encryption (optional)',
] as const;

const STACK_VARIABLES: readonly VariableSpec[] = [
  ...CORE_VARIABLES,
  ...ACCESS_VARIABLES,
  ...SIGN_IN_VARIABLES,
  ...RUNTIME_VARIABLES,
  ...OBSERVABILITY_VARIABLES,
  ...STATE_VARIABLES,
  ...JOB_VARIABLES,
  ...ENCRYPTION_VARIABLES,
];

const SETTING_VARIABLES: readonly VariableSpec[] = (Object.keys(SETTINGS) as SettingName[])
  .filter((name) => SETTINGS[name].delivery.by === 'variable')
  .map(settingVariable);

function inGroups(specs: readonly VariableSpec[]): VariableSpec[] {
  const unknown = specs.filter((spec) => !(VARIABLE_GROUPS as readonly string[]).includes(spec.group));
  if (unknown.length > 0) throw new Error(`Variable ${unknown[0].name} is in group "${unknown[0].group}", which is not one of VARIABLE_GROUPS.`);
  return VARIABLE_GROUPS.flatMap((group) => [...SETTING_VARIABLES.filter((s) => s.group === group), ...STACK_VARIABLES.filter((s) => s.group === group)]);
}

export const VARIABLE_SPECS: readonly VariableSpec[] = inGroups([...SETTING_VARIABLES, ...STACK_VARIABLES]);
