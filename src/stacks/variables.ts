/**
 * The stack's Terraform variables, declared from VARIABLE_SPECS, and typed
 * references to them for the constructs: a name that is not declared fails
 * synth (and so the tests), never the apply.
 */
import { TerraformVariable, type IResolvable } from 'cdktf';
import type { Construct } from 'constructs';
import { VARIABLE_SPECS } from './variable-specs';

export class StackVariables {
  private constructor(private readonly declared: ReadonlyMap<string, TerraformVariable>) {}

  /** Declares every variable of VARIABLE_SPECS in `scope`. */
  static declare(scope: Construct): StackVariables {
    const declared = new Map<string, TerraformVariable>();
    for (const spec of VARIABLE_SPECS) {
      declared.set(
        spec.name,
        new TerraformVariable(scope, spec.name, {
          type: spec.type,
          default: spec.default,
          description: spec.description,
          nullable: false,
          ...(spec.sensitive ? { sensitive: true } : {}),
          ...(spec.validation ? { validation: spec.validation.map((v) => ({ condition: v.condition, errorMessage: v.errorMessage })) } : {}),
        }),
      );
    }
    return new StackVariables(declared);
  }

  str(name: string): string {
    return this.get(name).stringValue;
  }

  num(name: string): number {
    return this.get(name).numberValue;
  }

  bool(name: string): IResolvable {
    return this.get(name).booleanValue;
  }

  list(name: string): string[] {
    return this.get(name).listValue;
  }

  /** A map(string) variable. */
  map(name: string): Record<string, string> {
    return this.get(name).value as Record<string, string>;
  }

  private get(name: string): TerraformVariable {
    const variable = this.declared.get(name);
    if (!variable) throw new Error(`Unknown variable \`${name}\`: declare it in src/stacks/variables-*.ts or the settings table.`);
    return variable;
  }
}
