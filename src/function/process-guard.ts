/**
 * A promise rejected with nobody listening ends a Node.js process, and on
 * Lambda that ends the execution environment: the invocation in flight is
 * lost, with no log line of ours, and the next request pays a cold start.
 * Lambda's runtime client leaves one such promise behind when the connection
 * carrying a streamed response drops (a caller that goes away). This guard
 * writes the rejection as one structured ERROR line and keeps the
 * environment serving. Uncaught exceptions still end the process.
 */
import { reportError } from './error-report';
import { writeLogLine } from './logging';
import { LINE_DIMENSION_SETS } from './metrics/definitions';

let installed = false;

export function installProcessGuard(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    writeLogLine('ERROR', 'unhandled rejection', { error: reportError(reason) }, [{ dimensionSets: LINE_DIMENSION_SETS, values: { UnhandledRejections: 1 } }]);
  });
}
