/** The buffered export (`index.handler`): one JSON response per request. */
import { toHttpFailure } from './error-response';
import { decodeEvent, type LambdaContext } from './event';
import { authenticate, prepare, type Prepared } from './prepare-request';
import { logOutcome } from './request-log';
import { emptyResponse, errorResponse, jsonResponse, type FunctionUrlResult } from './response';
import { deadlineOf, runPrepared } from './run-agent';

export async function bufferedHandler(event: unknown, context: LambdaContext): Promise<FunctionUrlResult> {
  const startedAt = Date.now();
  const request = decodeEvent(event, context);
  const deadline = deadlineOf(context);
  let prepared: Prepared | undefined;
  let caller: string | undefined;
  try {
    caller = await authenticate(request, deadline);
    prepared = await prepare(request, caller, deadline);
    if (prepared.kind === 'reply') {
      logOutcome(request, startedAt, false, { status: prepared.status, prepared, caller });
      return prepared.body === undefined
        ? emptyResponse(prepared.status, request.requestId)
        : jsonResponse(prepared.status, prepared.body, request.requestId, { ...prepared.headers });
    }
    const result = await runPrepared(prepared, request.requestId, deadline);
    logOutcome(request, startedAt, false, { status: 200, result, prepared, caller });
    return jsonResponse(200, result, request.requestId);
  } catch (caught) {
    const failure = toHttpFailure(caught);
    logOutcome(request, startedAt, false, { status: failure.status, failure, prepared, caller });
    return errorResponse(failure, request.requestId);
  }
}
