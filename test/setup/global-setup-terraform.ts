/**
 * Once per test run, for the terraform project: the zip, the stack
 * synthesized from it, initialised against the local provider mirror, and
 * the local STS its plans ask who the caller is.
 */
import { prepareTestArtifact, prepareTestStack } from '../helpers/test-run';

export default async function globalSetup(): Promise<void> {
  await prepareTestArtifact();
  await prepareTestStack();
}
