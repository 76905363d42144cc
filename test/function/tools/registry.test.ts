/**
 * Every registered tool, whatever it is, keeps the contract the agent loop
 * relies on. A new tool named in src/function/tools/index.ts is checked here
 * without editing this file; its own behaviour goes in
 * test/function/tools/<name-with-dashes>.test.ts (the last test says which
 * file is missing).
 */
import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTool, TOOLS } from '../../../src/function/tools';
import { ToolInputError, type Tool } from '../../../src/function/tools/types';

const tools = TOOLS as unknown as readonly Tool<Record<string, unknown>>[];
const signal = new AbortController().signal;

describe('the tool registry', () => {
  test('names are unique and each one finds its tool', () => {
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
    for (const tool of tools) expect(findTool(tool.name)).toBe(tool);
    expect(findTool('no_such_tool')).toBeUndefined();
  });

  describe.each(tools.map((tool) => [tool.name, tool] as const))('%s', (name, tool) => {
    test('has a name the Messages API accepts and a description written for the model', () => {
      expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.description.length).toBeGreaterThanOrEqual(20);
    });

    test('declares an input schema of type object that compiles as JSON Schema', () => {
      expect(tool.inputSchema.type).toBe('object');
      expect(() => new Ajv2020({ strict: false }).compile(tool.inputSchema)).not.toThrow();
    });

    test('answers input of the wrong shape with text or a ToolInputError, never another failure', async () => {
      for (const input of [{}, { unexpected: true }, { [Object.keys((tool.inputSchema.properties as object) ?? {})[0] ?? 'x']: 42 }]) {
        try {
          expect(typeof (await tool.run(input, { signal }))).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(ToolInputError);
        }
      }
    });

    test('has its own behaviour tests', () => {
      const file = path.join(__dirname, `${name.replace(/_/g, '-')}.test.ts`);
      expect({ file: path.relative(process.cwd(), file), exists: fs.existsSync(file) }).toEqual({ file: path.relative(process.cwd(), file), exists: true });
    });
  });
});
