/**
 * The dev server answers the developer, not any web page they visit. It
 * listens on a loopback address, but a page in a browser can still reach it:
 * a `text/plain` POST needs no CORS preflight, and DNS rebinding points a
 * name the page controls at 127.0.0.1 to read the answers. With AWS_IAM
 * every request counts as the local account, so such a page could spend the
 * developer's key or read their sessions. Two checks close that, as other
 * dev servers do: the Host must be an IP address or `localhost` on this
 * server's port (a rebinding name is neither), and a browser's Origin, when
 * sent, must be one of those same addresses (the chat page's own requests).
 */

const LOCAL_NAMES = new Set(['localhost']);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^\[[0-9a-fA-F:.]+\]$/;

/** Why the request must be refused (for the 403's message), or undefined when it is the developer's. */
export function foreignRequestProblem(headers: { host?: string; origin?: string }, port: number): string | undefined {
  const host = headers.host;
  if (!host) return 'The request has no Host header; the dev server answers requests to its own address only.';
  if (!isLocalAuthority(host, port)) {
    return `The Host header "${host}" is not this server's address (127.0.0.1:${port} or localhost:${port}): the dev server refuses other names, so a web page cannot reach it through DNS rebinding.`;
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined; // not sent by a browser on another site: curl, npm run invoke, the load test
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !isLocalAuthority(url.host, port)) {
    return `The request comes from the web page at ${JSON.stringify(origin)}: the dev server answers its own chat page, curl and npm run invoke only, so no other page can spend your model key or read your sessions.`;
  }
  return undefined;
}

/** `host:port` names an IP address or localhost, on `port`. */
function isLocalAuthority(authority: string, port: number): boolean {
  const match = /^(.*):(\d+)$/.exec(authority);
  if (!match || Number(match[2]) !== port) return false;
  const name = match[1].toLowerCase();
  return LOCAL_NAMES.has(name) || IPV4.test(name) || IPV6.test(name);
}
