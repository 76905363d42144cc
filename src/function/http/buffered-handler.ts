/** The buffered export (`index.handler`): one JSON response per request. */
import { runAgent } from '../agent/loop';
import { Deadline } from '../agent/deadline';
import { decodeEvent, type LambdaContext } from './event';
import { asHttpError, logOutcome, prepare, type Prepared } from './prepare';
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
    const result = await runAgent({
      requestId: request.requestId,
      request: prepared.request,
      config: prepared.runtime.config,
      provider: prepared.runtime.provider,
      deadline: new Deadline(remainingTime(context)),
    });
    logOutcome(request, startedAt, false, { status: 200, result, prepared });
    return jsonResponse(200, result, request.requestId);
  } catch (caught) {
    const error = asHttpError(caught);
    logOutcome(request, startedAt, false, { status: error.status, error, prepared });
    return errorResponse(error, request.requestId);
  }
}

/** Lambda's remaining time; a generous default when run outside Lambda without a context. */
export function remainingTime(context: Partial<LambdaContext> | undefined): number {
  const fallbackMs = 60_000;
  try {
    const value = context?.getRemainingTimeInMillis?.();
    return typeof value === 'number' && Number.isFinite(value) ? value : fallbackMs;
  } catch {
    return fallbackMs;
  }
}
