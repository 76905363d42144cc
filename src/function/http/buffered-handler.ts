/** The buffered export (`index.handler`): one JSON response per request. */
import { toHttpFailure } from './error-response';
import { decodeEvent, type LambdaContext } from './event';
import { prepare, type Prepared } from './prepare-request';
import { logOutcome } from './request-log';
import { errorResponse, jsonResponse, type FunctionUrlResult } from './response';
import { runPrepared } from './run-agent';

export async function bufferedHandler(event: unknown, context: LambdaContext): Promise<FunctionUrlResult> {
  const startedAt = Date.now();
  const request = decodeEvent(event, context);
  let prepared: Prepared | undefined;
  try {
    prepared = prepare(request);
    if (prepared.kind === 'health') {
      logOutcome(request, startedAt, false, { status: 200, prepared });
      return jsonResponse(200, prepared.body, request.requestId);
    }
    const result = await runPrepared(prepared, request, context);
    logOutcome(request, startedAt, false, { status: 200, result, prepared });
    return jsonResponse(200, result, request.requestId);
  } catch (caught) {
    const failure = toHttpFailure(caught);
    logOutcome(request, startedAt, false, { status: failure.status, failure, prepared });
    return errorResponse(failure, request.requestId);
  }
}
