/**
 * Invoking the handler module as Lambda would: real payload-v2 events from
 * test/fixtures/events, one frozen Context, and the `awslambda` global of the
 * Node.js runtime for the streaming export.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  installAwslambdaGlobal,
  parseStreamedResponse,
  RuntimeResponseStream,
  type CapturedChunk,
} from '../../src/dev/lambda-runtime';
import type { LambdaContext } from '../../src/function/http/event';
import type { FunctionUrlResult } from '../../src/function/http/response';
import type { HttpResponseMetadata } from '../../src/function/http/lambda-streaming';

type HandlerModule = typeof import('../../src/function/index');

/** The handler module, loaded after the runtime's global is in place (as Lambda does). */
export function loadHandlers(): HandlerModule {
  installAwslambdaGlobal();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../src/function/index') as HandlerModule;
}

export function lambdaContext(remainingMs = 30_000, requestId = 'c0ffee00-0000-4000-8000-000000000001'): LambdaContext & Record<string, unknown> {
  const deadline = Date.now() + remainingMs;
  return {
    awsRequestId: requestId,
    functionName: 'claude-agent',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:claude-agent',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/claude-agent',
    logStreamName: '2026/11/22/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

export type FunctionUrlEventFixture = Record<string, unknown> & { requestContext: Record<string, unknown> & { http: Record<string, unknown> } };

export function eventFixture(name: 'post-agent' | 'get-health'): FunctionUrlEventFixture {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', `${name}.json`), 'utf8'));
}

/** A POST /agent event carrying `body` (JSON-encoded unless a string), optionally base64. */
export function agentEvent(body: unknown, options: { base64?: boolean } = {}): FunctionUrlEventFixture {
  const event = eventFixture('post-agent');
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { ...event, body: options.base64 ? Buffer.from(text).toString('base64') : text, isBase64Encoded: options.base64 === true };
}

export async function invokeBuffered(event: unknown, context = lambdaContext()): Promise<FunctionUrlResult & { json: Record<string, any> }> {
  const result = await loadHandlers().handler(event, context);
  return { ...result, json: JSON.parse(result.body) };
}

export interface StreamedInvocation {
  readonly contentType: string;
  readonly prelude: HttpResponseMetadata;
  readonly body: string;
  readonly chunks: CapturedChunk[];
  /** SSE events in order, data parsed. */
  readonly events: Array<{ event: string; data: any; at: number }>;
}

export async function invokeStreaming(event: unknown, context = lambdaContext()): Promise<StreamedInvocation> {
  const chunks: CapturedChunk[] = [];
  const stream = new RuntimeResponseStream((chunk) => chunks.push(chunk));
  await loadHandlers().streamHandler(event, stream, context);
  const raw = Buffer.concat(chunks.map((c) => c.bytes));
  const { prelude, body } = parseStreamedResponse(raw);
  const text = body.toString('utf8');
  // The handler writes one whole SSE event per write, and the prelude arrives as its own chunk.
  const events = chunks.slice(1).flatMap((chunk) =>
    chunk.bytes
      .toString('utf8')
      .split('\n\n')
      .filter((block) => block.startsWith('event: '))
      .map((block) => {
        const data = /^data: (.+)$/m.exec(block)?.[1];
        return { event: /^event: (.+)$/m.exec(block)![1], data: data ? JSON.parse(data) : undefined, at: chunk.at };
      }),
  );
  return { contentType: stream.contentType, prelude, body: text, chunks, events };
}
