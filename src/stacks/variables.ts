/**
 * The stack's Terraform variables, declared from VARIABLE_SPECS, and typed
 * references to them for the constructs: a name that is not declared fails
 * synth (and so the tests), never the apply.
 */
import { TerraformVariable, type IResolvable } from 'cdktf';
import type { Construct } from 'constructs';
import { VARIABLE_SPECS } from './variable-specs';
import type { VariableSpec } from './variable-types';

/**
 * Variables a module reads differently: it deploys into the Region of the
 * provider its caller passes, so `aws_region` is only a cross-check there.
 */
const MODULE_FORM: Readonly<Record<string, VariableSpec>> = {
  aws_region: {
    name: 'aws_region',
    group: 'Placement',
    type: 'string',
    default: '',
    description:
      'Leave empty: the module deploys into the Region of the aws provider it is given. If set, it must be that Region (a guard against passing the wrong provider).',
    validation: [
      {
        condition: '${var.aws_region == "" || can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$", var.aws_region))}',
        errorMessage: 'aws_region must be empty or a Region code such as "us-east-1" or "eu-central-1".',
      },
    ],
  },
};

export class StackVariables {
  private constructor(private readonly declared: ReadonlyMap<string, TerraformVariable>) {}

  /** Declares every variable of VARIABLE_SPECS in `scope`, as the stack's `form` reads them. */
  static declare(scope: Construct, form: 'root' | 'module' = 'root'): StackVariables {
    const declared = new Map<string, TerraformVariable>();
    for (const spec of VARIABLE_SPECS.map((s) => (form === 'module' ? (MODULE_FORM[s.name] ?? s) : s))) {
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
