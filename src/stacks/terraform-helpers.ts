/** Small helpers for writing readable Terraform from constructs. */
import { Token, type TerraformLocal, type TerraformOutput, type TerraformResource } from 'cdktf';

/** Gives an element a stable, readable Terraform address (e.g. `aws_iam_role.agent`). */
export function named<T extends TerraformResource | TerraformLocal | TerraformOutput>(element: T, logicalId: string): T {
  element.overrideLogicalId(logicalId);
  return element;
}

/** A `count` of 1 when the HCL `condition` holds, else 0: Terraform, not synth, decides. */
export function countIf(condition: string): number {
  return Token.asNumber(`\${${condition} ? 1 : 0}`);
}
