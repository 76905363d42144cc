/**
 * `knowledge_base_search`: passages from the deployment's Amazon Bedrock
 * knowledge bases (`knowledge_base_ids`), through the Retrieve API, each
 * with its source and score. Offered only when the deployment names
 * knowledge bases; the client (`@aws-sdk/client-bedrock-agent-runtime`) is
 * loaded on first use and honours `AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME`.
 * The bundled BM25 search (`knowledge_search`) stays, for the demo and small
 * static corpora.
 */
import type * as AgentRuntime from '@aws-sdk/client-bedrock-agent-runtime';
import type { KnowledgeBaseRetrievalResult, RetrievalResultLocation } from '@aws-sdk/client-bedrock-agent-runtime';
import type * as HttpHandler from '@smithy/node-http-handler';
import { lazyClient } from '../aws-client';
import { bounded } from '../text';
import { ToolInputError, type Tool } from './types';

export const KNOWLEDGE_BASE_TOOL = 'knowledge_base_search';
const DEFAULT_RESULTS = 5;
const MAX_RESULTS = 20;
/** Longest query accepted (the Retrieve API's own limit is larger; a search needs no more). @unit characters */
const MAX_QUERY_CHARS = 1_000;
/** Attempts per Retrieve call: one retry for a throttle or a dropped connection. */
const MAX_ATTEMPTS = 2;
/** Longest failure quoted to the model per knowledge base. @unit characters */
const MAX_FAILURE_CHARS = 300;

type Loaded = { readonly sdk: typeof AgentRuntime; readonly http: typeof HttpHandler };
// HTTP/1.1, not the client's default HTTP/2: Retrieve is one request and one JSON answer.
const connect = lazyClient(
  async (): Promise<Loaded> => {
    const [sdk, http] = await Promise.all([import('@aws-sdk/client-bedrock-agent-runtime'), import('@smithy/node-http-handler')]);
    return { sdk, http };
  },
  ({ sdk, http }, region) => new sdk.BedrockAgentRuntimeClient({ region, maxAttempts: MAX_ATTEMPTS, requestHandler: new http.NodeHttpHandler() }),
);

interface Passage {
  readonly knowledgeBaseId: string;
  readonly text: string;
  readonly source: string;
  readonly score: number | undefined;
}

/** The tool over `knowledgeBaseIds`, searched in `region`. */
export function knowledgeBaseSearch(knowledgeBaseIds: readonly string[], region: string): Tool<{ query: string; max_results?: number }> {
  return {
    name: KNOWLEDGE_BASE_TOOL,
    description:
      "Searches the organisation's own documents (its Amazon Bedrock knowledge bases) and returns the most relevant passages, best first, each with its source. Use it for questions about the organisation's products, policies, customers or internal knowledge.",
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for, as a question or a few words.' },
        max_results: { type: 'integer', minimum: 1, maximum: MAX_RESULTS, description: `How many passages to return (default ${DEFAULT_RESULTS}).` },
      },
      required: ['query'],
      additionalProperties: false,
    },
    async run(input, { signal }) {
      if (typeof input.query !== 'string' || input.query.trim() === '') throw new ToolInputError('`query` must be a non-empty string.');
      if (input.query.length > MAX_QUERY_CHARS) throw new ToolInputError(`\`query\` is longer than ${MAX_QUERY_CHARS} characters.`);
      const count = input.max_results ?? DEFAULT_RESULTS;
      if (!Number.isInteger(count) || count < 1 || count > MAX_RESULTS)
        throw new ToolInputError(`\`max_results\` must be a whole number from 1 to ${MAX_RESULTS}.`);
      const { sdk: loaded, client } = await connect(region);
      const outcomes = await Promise.allSettled(
        knowledgeBaseIds.map(async (id) => {
          const answer = await client.send(
            new loaded.sdk.RetrieveCommand({
              knowledgeBaseId: id,
              retrievalQuery: { text: input.query },
              retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: count } },
            }),
            { abortSignal: signal },
          );
          return (answer.retrievalResults ?? []).map((result) => passageOf(id, result));
        }),
      );
      if (signal.aborted) throw new Error('The knowledge base search was stopped at its time limit.');
      const failures = knowledgeBaseIds.flatMap((id, i) => {
        const outcome = outcomes[i];
        return outcome.status === 'rejected' ? [`${id}: ${failureOf(outcome.reason)}`] : [];
      });
      if (failures.length === knowledgeBaseIds.length) throw new Error(`The knowledge base search failed (${failures.join('; ')}).`);
      const passages = outcomes
        .flatMap((o) => (o.status === 'fulfilled' ? o.value : []))
        .sort((a, b) => (b.score ?? 0) - (a.score ?? 0))
        .slice(0, count);
      const note = failures.length > 0 ? `\n\n(Not searched, after an error: ${failures.join('; ')}.)` : '';
      if (passages.length === 0) return `No passage of the knowledge bases matches that query.${note}`;
      return passages.map((p, i) => `[${i + 1}] ${describe(p)}\n${p.text}`).join('\n\n') + note;
    },
  };
}

function passageOf(knowledgeBaseId: string, result: KnowledgeBaseRetrievalResult): Passage {
  return { knowledgeBaseId, text: result.content?.text ?? '', source: sourceOf(result.location), score: result.score };
}

function describe(p: Passage): string {
  const score = p.score === undefined ? '' : `, score ${p.score.toFixed(2)}`;
  return `source ${p.source}${score} (knowledge base ${p.knowledgeBaseId})`;
}

/** Where a passage comes from, as its location names it. */
function sourceOf(location: RetrievalResultLocation | undefined): string {
  if (!location) return 'unknown';
  return (
    location.s3Location?.uri ??
    location.webLocation?.url ??
    location.confluenceLocation?.url ??
    location.salesforceLocation?.url ??
    location.sharePointLocation?.url ??
    location.kendraDocumentLocation?.uri ??
    location.customDocumentLocation?.id ??
    location.sqlLocation?.query ??
    String(location.type ?? 'unknown')
  );
}

/** The error's AWS name (AccessDeniedException, ResourceNotFoundException, …) and message: what a model and a reader can act on. */
function failureOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return bounded(`${error.name}: ${error.message}`, MAX_FAILURE_CHARS);
}
