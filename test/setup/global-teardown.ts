/** Removes what the global setups made and stops the servers they started. */
import { disposeTestRun } from '../helpers/test-run';

export default async function globalTeardown(): Promise<void> {
  await disposeTestRun();
}
