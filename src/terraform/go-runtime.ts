/** The Go runtime settings of the Terraform and provider processes this project starts. */
/**
 * Go's garbage collector target for the Terraform and provider processes we
 * start, unless GOGC is already set. Each process decodes the AWS provider's
 * schema, which is allocation-heavy; at Go's default (100) collection is a
 * large share of its CPU. Measured on the terraform test project (2 cores,
 * 81 plans and 44 shows): 263 CPU-s and 134 s at the default, 194 CPU-s and
 * 99 s at 400, peak 550 MB per process; `off` saved no more CPU and peaked at
 * 1.5 GB.
 */
export const TERRAFORM_GOGC = '400';

/** The environment Terraform's Go processes run in: `env`, with GOGC as above unless it sets one. */
export function goRuntimeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, GOGC: env.GOGC ?? TERRAFORM_GOGC };
}
