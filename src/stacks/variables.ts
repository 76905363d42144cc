/** Declares the stack's Terraform variables from VARIABLE_SPECS. */
import { TerraformVariable, type TerraformStack } from 'cdktf';
import { VARIABLE_SPECS } from './variable-specs';

export function declareVariables(stack: TerraformStack): Record<string, TerraformVariable> {
  const declared: Record<string, TerraformVariable> = {};
  for (const spec of VARIABLE_SPECS) {
    declared[spec.name] = new TerraformVariable(stack, spec.name, {
      type: spec.type,
      default: spec.default,
      description: spec.description,
      nullable: false,
      ...(spec.sensitive ? { sensitive: true } : {}),
      ...(spec.validation ? { validation: spec.validation.map((v) => ({ condition: v.condition, errorMessage: v.errorMessage })) } : {}),
    });
  }
  return declared;
}

/** `${var.<name>}`: a reference usable anywhere a string, number or list is expected. */
export function v(name: string): string {
  if (!VARIABLE_SPECS.some((spec) => spec.name === name)) throw new Error(`Unknown variable \`${name}\`.`);
  return `\${var.${name}}`;
}
