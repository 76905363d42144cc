/** The knowledge base search ranks sections by BM25 relevance to the query. */
import { Bm25Index, splitSections, tokenize } from '../../../src/function/knowledge/bm25';
import { knowledgeSearch } from '../../../src/function/tools/knowledge-search';

const run = (query: string, top_k?: number) => knowledgeSearch.run({ query, top_k }, { signal: new AbortController().signal }) as string;
const titles = (output: string) => [...output.matchAll(/^## (.+) \(score/gm)].map((m) => m[1]);

describe('knowledge_search', () => {
  test.each([
    ['how do I rotate the API key', 'API key and Secrets Manager'],
    ['switch to bedrock', 'Switching between Anthropic and Amazon Bedrock'],
    ['server-sent events streaming', 'Streaming responses'],
    ['what does a request cost in dollars', 'Costs and pricing'],
    ['deadline timeout 504', 'Timeouts and deadlines'],
    ['same hash every build', 'Reproducible builds'],
  ])('"%s" ranks "%s" first', (query, expected) => {
    expect(titles(run(query))[0]).toBe(expected);
  });

  test('different queries rank different sections first', () => {
    expect(titles(run('bedrock'))[0]).not.toBe(titles(run('logs'))[0]);
  });

  test('scores decrease down the list and top_k bounds it', () => {
    const output = run('model provider api key', 3);
    const scores = [...output.matchAll(/\(score ([\d.]+)\)/g)].map((m) => Number(m[1]));
    expect(scores).toHaveLength(3);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  test('a query that matches nothing says so', () => {
    expect(run('zebra xylophone quasar')).toBe('No section of the knowledge base matches that query.');
  });

  test.each([
    ['an empty query', { query: '' }, '`query` must be a non-empty string.'],
    ['top_k out of range', { query: 'x', top_k: 50 }, '`top_k` must be a whole number from 1 to 8.'],
  ])('rejects %s', (_label, input, message) => {
    expect(() => knowledgeSearch.run(input as never, { signal: new AbortController().signal })).toThrow(message);
  });

  test('BM25 prefers the shorter of two documents with the same term count', () => {
    const index = new Bm25Index([
      { title: 'long', text: `lambda ${'filler '.repeat(200)}` },
      { title: 'short', text: 'lambda function' },
    ]);
    expect(index.search('lambda', 2).map((h) => h.title)).toEqual(['short', 'long']);
  });

  test('the tokenizer drops stop words and folds simple suffixes', () => {
    expect(tokenize('How is the deploying of functions done?')).toEqual(['deploy', 'function', 'done']);
  });

  test('sections split on level-two headings', () => {
    expect(splitSections('# Title\nintro\n## A\none\n## B\ntwo').map((s) => s.title)).toEqual(['A', 'B']);
  });
});
