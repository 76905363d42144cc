/**
 * The chat page `npm run dev` serves at `GET /` (the dev server's, never the
 * function's): one self-contained HTML file, no external resource, that
 * posts to `/agent` and renders what comes back, streamed or whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ChatPageConfig {
  /** BUFFERED answers arrive whole; RESPONSE_STREAM answers piece by piece. */
  readonly invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  /** The dev server's pool size, shown on the page. */
  readonly concurrency: number;
  /** With sessions on, the page keeps its conversation as a session_id; otherwise as `messages`. */
  readonly sessions: boolean;
  /** Answers come from the local mock model: the page says they are canned. */
  readonly mockModel: boolean;
  /** NONE-auth URL with bearer tokens configured: the page asks for one. */
  readonly tokenNeeded: boolean;
  /** One line on how the function reaches its model. */
  readonly modelAccess: string;
}

const TEMPLATE = path.join(__dirname, 'page.html');
const PLACEHOLDER = '/*CONFIG*/';

/** The page with its configuration inlined (as JSON that cannot close the script element). */
export function chatPage(config: ChatPageConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return fs.readFileSync(TEMPLATE, 'utf8').replace(PLACEHOLDER, () => json);
}
