/**
 * The streaming export (`index.streamHandler`): server-sent events. Status
 * and headers are committed just before the first byte: a failure before
 * any model output still gets its real status (e.g. 429); after that it
 * becomes an `error` event on the open stream.
 */
import { errorBody, toHttpFailure } from './error-response';
import { decodeEvent, type LambdaContext } from './event';
import { awslambdaGlobal, type ResponseStream } from './lambda-streaming';
import { authenticate, prepare, type Prepared } from './prepare-request';
import { logOutcome } from './request-log';
import { baseHeaders, emptyHeaders } from './response';
import { deadlineOf, runPrepared } from './run-agent';

export async function streamingHandler(event: unknown, responseStream: ResponseStream, context: LambdaContext): Promise<void> {
  const startedAt = Date.now();
  const request = decodeEvent(event, context);
  const runtime = awslambdaGlobal();
  if (!runtime) throw new Error('streamHandler needs the `awslambda` global of the Lambda Node.js runtime.');
  // A client that disconnects makes writes fail; the run finishes and is logged, but nothing crashes.
  let clientGone = false;
  responseStream.on('error', () => {
    clientGone = true;
  });
  let sse: ResponseStream | undefined;
  const open = (): ResponseStream => {
    sse ??= runtime.HttpResponseStream.from(responseStream, {
      statusCode: 200,
      headers: { ...baseHeaders(request.requestId, 'text/event-stream; charset=utf-8'), 'x-accel-buffering': 'no' },
    });
    return sse;
  };
  const send = (name: string, data: unknown) => {
    const stream = open();
    if (!clientGone && !stream.destroyed) stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const sendEmpty = (status: number) => {
    return runtime.HttpResponseStream.from(responseStream, { statusCode: status, headers: emptyHeaders(request.requestId) });
  };
  const sendJson = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const stream = runtime.HttpResponseStream.from(responseStream, { statusCode: status, headers: { ...baseHeaders(request.requestId), ...headers } });
    stream.write(JSON.stringify(body));
    return stream;
  };

  let prepared: Prepared | undefined;
  let caller: string | undefined;
  let firstTextAt: number | undefined;
  let finalStream: ResponseStream;
  const deadline = deadlineOf(context);
  try {
    caller = await authenticate(request, deadline);
    prepared = await prepare(request, caller, deadline);
    if (prepared.kind === 'reply') {
      finalStream = prepared.body === undefined ? sendEmpty(prepared.status) : sendJson(prepared.status, prepared.body, { ...prepared.headers });
      logOutcome(request, startedAt, true, { status: prepared.status, prepared, caller });
    } else {
      const result = await runPrepared(prepared, request.requestId, deadline, {
        onText: (text) => {
          send('text', { text });
          firstTextAt ??= Date.now();
        },
        onToolUse: (e) => send('tool_use', e),
        onToolResult: (e) => send('tool_result', e),
      });
      send('done', result);
      finalStream = open();
      logOutcome(request, startedAt, true, { status: 200, result, prepared, caller, firstTextAt });
    }
  } catch (caught) {
    const failure = toHttpFailure(caught);
    if (sse) {
      send('error', errorBody(failure, request.requestId));
      finalStream = sse;
    } else {
      finalStream = sendJson(failure.status, errorBody(failure, request.requestId), { ...failure.headers });
    }
    logOutcome(request, startedAt, true, { status: sse ? 200 : failure.status, failure, prepared, caller, firstTextAt });
  }
  if (finalStream.destroyed || finalStream.writableEnded) return;
  await new Promise<void>((resolve) => finalStream.end(resolve));
}
