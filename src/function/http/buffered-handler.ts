/** The buffered export (`index.handler`): one JSON response per request. */
import { decodeEvent, type LambdaContext } from './event';
import { asHttpError, logOutcome, prepare, runPrepared, type Prepared } from './prepare';
import { errorResponse, jsonResponse, type FunctionUrlResult } from './response';

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
    const error = asHttpError(caught);
    logOutcome(request, startedAt, false, { status: error.status, error, prepared });
    return errorResponse(error, request.requestId);
  }
}
