/**
 * Finds the real `terraform` binary. Tests that need it fail loudly, naming
 * what is missing, rather than passing quietly without it.
 */
import { spawnSync } from 'node:child_process';

export function requireTerraform(): string {
  const binary = process.env.TERRAFORM_BIN ?? 'terraform';
  const probe = spawnSync(binary, ['version', '-json'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `This test needs the \`terraform\` CLI, but \`${binary} version\` failed ` +
        `(${probe.error?.message ?? probe.stderr.trim()}). Install Terraform ≥ 1.5 or set TERRAFORM_BIN.`,
    );
  }
  return binary;
}
