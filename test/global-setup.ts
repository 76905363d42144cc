/**
 * Runs once before the test workers start: finds the hashicorp/aws mirror a
 * single time (a disk search takes seconds) and hands it to every worker
 * through TF_PROVIDER_MIRROR. If it cannot be found, the variable stays unset
 * and each test that needs Terraform fails with the full explanation.
 */
import { locateAwsProviderMirror } from '../src/check/terraform';

export default function globalSetup(): void {
  if (process.env.TF_PROVIDER_MIRROR) return;
  try {
    process.env.TF_PROVIDER_MIRROR = locateAwsProviderMirror();
  } catch {
    // Reported by the tests themselves.
  }
}
