/**
 * The tool registry: the one place tools are listed. Add a tool by writing a
 * module that exports a `Tool` and naming it here.
 */
import { calculator } from './calculator';
import { currentTime } from './current-time';
import { knowledgeSearch } from './knowledge-search';
import type { Tool } from './types';

export const TOOLS: readonly Tool<never>[] = [calculator, currentTime, knowledgeSearch] as readonly Tool<never>[];

export function findTool(name: string): Tool<Record<string, unknown>> | undefined {
  return TOOLS.find((tool) => tool.name === name);
}
