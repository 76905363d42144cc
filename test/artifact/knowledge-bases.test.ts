/**
 * `knowledge_base_search` (knowledge_base_ids), through the zip under the
 * runtime client, against a local Retrieve API that verifies SigV4: the
 * passages of every named knowledge base, merged best first, with their
 * sources, reach the model.
 */
import { LOCAL_CREDENTIALS } from '../../src/dev/lambda/execution-environment';
import { startKnowledgeBases, type KnowledgeBasesServer } from '../fixtures/servers/knowledge-bases';
import { agentEvent } from '../helpers/events';
import { anthropicEnv, withZipRuntime } from '../helpers/zip-runtime';

const text = (t: string) => ({ type: 'text' as const, text: t });
const search = (id: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, id, name: 'knowledge_base_search', input });

describe('knowledge_base_search through the zip', () => {
  let bases: KnowledgeBasesServer;
  beforeAll(async () => {
    bases = await startKnowledgeBases(LOCAL_CREDENTIALS, {
      KB12345678: [
        { text: 'Refunds are paid within 14 days of the return.', uri: 's3://acme-docs/policies/refunds.md', score: 0.91 },
        { text: 'Shipping is free above 50 EUR.', uri: 's3://acme-docs/policies/shipping.md', score: 0.42 },
      ],
      HRDOCS0001: [{ text: 'Refund requests from staff go to finance.', uri: 's3://acme-hr/finance.md', score: 0.77 }],
    });
  });
  const ctx = withZipRuntime((services) =>
    anthropicEnv(services, { KNOWLEDGE_BASE_IDS: 'KB12345678,HRDOCS0001', AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: bases.url }),
  );
  afterAll(async () => bases?.close());
  beforeEach(() => {
    bases.calls.length = 0;
    bases.refused.length = 0;
  });

  const resultOf = () => (ctx.api.requests[1].body.messages as any[])[2].content[0];

  test("the tool is offered, and its call returns the knowledge bases' passages, best first, with their sources", async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [search('toolu_kb', { query: 'How long do refunds take?', max_results: 2 })] },
      { kind: 'message', content: [text('Within 14 days.')] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'How long do refunds take?' }));
    expect(response.statusCode).toBe(200);
    expect((ctx.api.requests[0].body.tools as Array<{ name: string }>).map((t) => t.name)).toContain('knowledge_base_search');
    // Each knowledge base was asked, signed for bedrock in the function's Region
    expect(bases.refused).toEqual([]);
    expect(bases.calls.map((c) => [c.knowledgeBaseId, c.query, c.numberOfResults, c.scope]).sort()).toEqual([
      ['HRDOCS0001', 'How long do refunds take?', 2, 'us-east-1/bedrock'],
      ['KB12345678', 'How long do refunds take?', 2, 'us-east-1/bedrock'],
    ]);
    expect(resultOf()).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_kb',
      is_error: false,
      content: [
        '[1] source s3://acme-docs/policies/refunds.md, score 0.91 (knowledge base KB12345678)\nRefunds are paid within 14 days of the return.',
        '[2] source s3://acme-hr/finance.md, score 0.77 (knowledge base HRDOCS0001)\nRefund requests from staff go to finance.',
      ].join('\n\n'),
    });
    // A known tool in the metrics, not unknown_tool
    expect(ctx.fn.jsonLines().find((line) => line.message === 'tool usage')).toMatchObject({ tool: 'knowledge_base_search', calls: 1, errors: 0 });
  });

  test('a knowledge base that refuses is named in the result, and the others still answer', async () => {
    bases.failFor('HRDOCS0001', 'AccessDeniedException');
    try {
      ctx.api.enqueue({ kind: 'message', content: [search('toolu_kb2', { query: 'shipping' })] }, { kind: 'message', content: [text('Free above 50 EUR.')] });
      await ctx.invoke(agentEvent({ input: 'Is shipping free?' }));
      const result = resultOf();
      expect(result.is_error).toBe(false);
      expect(result.content).toMatch(/^\[1\] source s3:\/\/acme-docs\/policies\/refunds\.md/);
      expect(result.content).toMatch(/\(Not searched, after an error: HRDOCS0001: AccessDeniedException: AccessDeniedException on HRDOCS0001\.\)$/);
    } finally {
      bases.failFor('HRDOCS0001', undefined);
    }
  });

  test('when every knowledge base fails, the model gets an error result, and the request still answers', async () => {
    bases.failFor('HRDOCS0001', 'AccessDeniedException');
    bases.failFor('KB12345678', 'ResourceNotFoundException');
    try {
      ctx.api.enqueue(
        { kind: 'message', content: [search('toolu_kb3', { query: 'anything' })] },
        { kind: 'message', content: [text('I could not search the documents.')] },
      );
      const response = await ctx.invoke(agentEvent({ input: 'Search.' }));
      expect(response.statusCode).toBe(200);
      expect(resultOf()).toMatchObject({
        is_error: true,
        content: expect.stringMatching(/^The knowledge base search failed \(KB12345678: ResourceNotFoundException: .*HRDOCS0001: AccessDeniedException/),
      });
    } finally {
      bases.failFor('HRDOCS0001', undefined);
      bases.failFor('KB12345678', undefined);
    }
  });

  test('bad input is refused before any call, saying what to send', async () => {
    ctx.api.enqueue({ kind: 'message', content: [search('toolu_kb4', { query: 'x', max_results: 50 })] }, { kind: 'message', content: [text('ok')] });
    await ctx.invoke(agentEvent({ input: 'Search.' }));
    expect(resultOf()).toMatchObject({ is_error: true, content: '`max_results` must be a whole number from 1 to 20.' });
    expect(bases.calls).toEqual([]);
  });
});
