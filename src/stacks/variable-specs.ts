/**
 * Every deploy-time knob of the agent stack, as Terraform variables: the
 * source of the synthesized `variable` blocks and of the order of
 * `terraform.tfvars.example`. The variables live in variables-*.ts, one file
 * per area; those that deliver a function setting are derived from the
 * settings table (src/function/settings/table.ts).
 */
import { ACCESS_VARIABLES } from './variables-access';
import { CORE_VARIABLES } from './variables-core';
import { RUNTIME_VARIABLES } from './variables-runtime';
import type { VariableSpec } from './variable-types';

export const VARIABLE_SPECS: readonly VariableSpec[] = [...CORE_VARIABLES, ...ACCESS_VARIABLES, ...RUNTIME_VARIABLES];
