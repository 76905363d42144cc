/**
 * Structured output: with `output_schema` the model must call submit_result;
 * its input is validated, one invalid attempt is retried with the errors,
 * a second is a 502 naming them. Through the zip under the runtime client.
 */
import { agentEvent } from '../helpers/events';
import { withZipRuntime } from '../helpers/zip-runtime';

const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
  required: ['city', 'population'],
  additionalProperties: false,
};
const submit = (input: unknown, id = 'toolu_submit') => ({ type: 'tool_use' as const, id, name: 'submit_result', input });

describe('structured output', () => {
  const ctx = withZipRuntime();

  test('a valid submission becomes `result`, and the submit tool carries the caller’s schema', async () => {
    ctx.api.enqueue({ kind: 'message', content: [submit({ city: 'Paris', population: 2102650 })] });
    const response = await ctx.invoke(agentEvent({ input: 'Largest French city?', output_schema: SCHEMA }));
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ result: { city: 'Paris', population: 2102650 }, stop_reason: 'result_submitted' });
    const body = ctx.api.requests[0].body as any;
    expect(body.tools.at(-1)).toMatchObject({ name: 'submit_result', input_schema: SCHEMA });
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  test('one invalid submission is answered with the validation errors and the submit tool is forced', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [submit({ city: 'Paris', population: 'lots' }, 'toolu_bad')] },
      { kind: 'message', content: [submit({ city: 'Paris', population: 2 })] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: SCHEMA }));
    expect(response.json.result).toEqual({ city: 'Paris', population: 2 });
    const retry = ctx.api.requests[1].body as any;
    expect(retry.tool_choice).toEqual({ type: 'tool', name: 'submit_result' });
    const feedback = retry.messages.at(-1).content[0];
    expect(feedback).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_bad', is_error: true });
    expect(feedback.content).toContain('/population');
  });

  test('a second invalid submission is a 502 that names the validation errors', async () => {
    ctx.api.enqueue({ kind: 'message', content: [submit({ city: 7 })] }, { kind: 'message', content: [submit({ city: 'Rome', extra: true })] });
    const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: SCHEMA }));
    expect(response.statusCode).toBe(502);
    expect(response.json.error.type).toBe('upstream_error');
    expect(response.json.error.message).toMatch(/does not match output_schema after a retry: .*population/);
    expect(response.json.partial).toMatchObject({ iterations: 2 });
  });

  test('a prose answer without submission is followed by a forced submit', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'text', text: 'Paris, about 2 million.' }], stop_reason: 'end_turn' },
      { kind: 'message', content: [submit({ city: 'Paris', population: 2000000 })] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: SCHEMA }));
    expect(response.json.result).toEqual({ city: 'Paris', population: 2000000 });
    expect((ctx.api.requests[1].body as any).tool_choice).toEqual({ type: 'tool', name: 'submit_result' });
  });

  test('other tools may run before the submission', async () => {
    ctx.api.enqueue(
      { kind: 'message', content: [{ type: 'tool_use', id: 't1', name: 'calculator', input: { expression: '2*1000000' } }] },
      { kind: 'message', content: [submit({ city: 'Paris', population: 2000000 })] },
    );
    const response = await ctx.invoke(agentEvent({ input: 'x', output_schema: SCHEMA }));
    expect(response.json).toMatchObject({ result: { city: 'Paris', population: 2000000 }, tool_calls: [{ name: 'calculator', is_error: false }] });
  });
});
