/** Searches the knowledge base bundled into the zip, ranked by BM25. */
import { Bm25Index, splitSections } from '../knowledge/bm25';
import KNOWLEDGE_BASE from '../knowledge/knowledge-base.md';
import { ToolInputError, type Tool } from './types';

const DEFAULT_TOP_K = 3;
const MAX_TOP_K = 8;
const MAX_QUERY_CHARS = 500;

let index: Bm25Index | undefined;
/** Built on first use, so cold start does not pay for it. */
function getIndex(): Bm25Index {
  index ??= new Bm25Index(splitSections(KNOWLEDGE_BASE));
  return index;
}

export const knowledgeSearch: Tool<{ query: string; top_k?: number }> = {
  name: 'knowledge_search',
  description:
    'Searches the knowledge base about this agent (deployment, providers, limits, the HTTP API, security, costs) and ' +
    'returns the most relevant sections, best first, each with a relevance score.',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'What to look for, in a few words.' },
      top_k: { type: 'integer', minimum: 1, maximum: MAX_TOP_K, description: `How many sections to return (default ${DEFAULT_TOP_K}).` },
    },
    required: ['query'],
    additionalProperties: false,
  },
  run(input) {
    if (typeof input.query !== 'string' || input.query.trim() === '') throw new ToolInputError('`query` must be a non-empty string.');
    if (input.query.length > MAX_QUERY_CHARS) throw new ToolInputError(`\`query\` is longer than ${MAX_QUERY_CHARS} characters.`);
    const topK = input.top_k ?? DEFAULT_TOP_K;
    if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) throw new ToolInputError(`\`top_k\` must be a whole number from 1 to ${MAX_TOP_K}.`);
    const hits = getIndex().search(input.query, topK);
    if (hits.length === 0) return 'No section of the knowledge base matches that query.';
    return hits.map((h) => `## ${h.title} (score ${h.score.toFixed(2)})\n${h.text}`).join('\n\n');
  },
};
