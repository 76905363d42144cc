/**
 * Lambda entry module. One zip, four exports: the Function URL's (chosen at deploy
 * time by its invoke mode) and two for the functions beside it:
 * - `handler`: buffered JSON responses (BUFFERED);
 * - `streamHandler`: server-sent events (RESPONSE_STREAM), wrapped with
 *   `awslambda.streamifyResponse` when Lambda's runtime provides it;
 * - `breakerHandler`: the cost kill switch, invoked by the daily-cost alarm;
 * - `jobHandler`: the jobs worker, invoked by the jobs queue's event source mapping.
 */
import { bufferedHandler } from './http/buffered-handler';
import type { LambdaContext } from './http/event';
import { awslambdaGlobal, type StreamingHandler } from './http/lambda-streaming';
import { streamingHandler } from './http/stream-handler';
import { loadJobsWorker } from './jobs/load-worker';
// Last: the handlers' code is loaded before init's prefetch runs (see init.mts).
import './init.mjs';

export const handler = bufferedHandler;
/** The kill switch's code too: loaded on its (rare) invocation, never by the agent's or the worker's cold starts. */
export const breakerHandler = async (event: unknown) => (await import('./breaker/handler.js')).breakerHandler(event);
/** The worker's code is a chunk of its own: the Function URL's cold starts never load it; the worker's own init does (prefetch). */
export const jobHandler = async (event: unknown, context: LambdaContext) => (await loadJobsWorker())(event, context);

const lambda = awslambdaGlobal();
export const streamHandler: StreamingHandler = lambda
  ? lambda.streamifyResponse(streamingHandler as StreamingHandler)
  : () =>
      Promise.reject(
        new Error(
          'streamHandler runs only where the Lambda runtime provides the `awslambda` global (deploy with invoke_mode = "RESPONSE_STREAM", or use `npm run dev`).',
        ),
      );
