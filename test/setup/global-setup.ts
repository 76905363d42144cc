/** Once per test run, before any worker starts: the zip every test shares. */
import { prepareTestArtifact } from '../helpers/test-run';

export default async function globalSetup(): Promise<void> {
  await prepareTestArtifact();
}
