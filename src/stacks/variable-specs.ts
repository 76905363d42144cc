/**
 * Every deploy-time knob of the agent stack, as Terraform variables. This list
 * is the single source for the synthesized `variable` blocks and the order of
 * `terraform.tfvars.example` (a test keeps the two in step). The variables
 * themselves live in variables-*.ts, one file per area.
 */
import { ACCESS_VARIABLES } from './variables-access';
import { CORE_VARIABLES } from './variables-core';
import { RUNTIME_VARIABLES } from './variables-runtime';
import type { VariableSpec } from './variable-types';

export type { VariableSpec, VariableValidation } from './variable-types';
export { LOG_RETENTION_DAYS } from './variable-types';

export const VARIABLE_SPECS: readonly VariableSpec[] = [...CORE_VARIABLES, ...ACCESS_VARIABLES, ...RUNTIME_VARIABLES];
