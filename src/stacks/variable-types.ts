/** Shapes of the stack's Terraform variables and the validation helpers the variable files share. */

export interface VariableValidation {
  /** HCL condition over `var.<name>`. */
  readonly condition: string;
  readonly errorMessage: string;
}

export interface VariableSpec {
  readonly name: string;
  /** Banner the variable is listed under in `terraform.tfvars.example`. */
  readonly group: string;
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
  readonly sensitive?: boolean;
  readonly validation?: readonly VariableValidation[];
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const oneOf = (name: string, values: readonly string[]): VariableValidation => ({
  condition: `\${contains(${JSON.stringify(values)}, var.${name})}`,
  errorMessage: `${name} must be one of ${values.map((v) => `"${v}"`).join(', ')}.`,
});

export const intRange = (name: string, min: number, max: number, unit: string): VariableValidation => ({
  condition: `\${var.${name} == floor(var.${name}) && var.${name} >= ${min} && var.${name} <= ${max}}`,
  errorMessage: `${name} must be a whole number of ${unit} from ${min} to ${max}.`,
});
