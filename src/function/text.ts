/** Putting caller- or upstream-supplied text into messages and logs: printable, and bounded. */

/** `text` with control and non-ASCII characters as `?`, cut to `max` characters with an ellipsis. */
export function printable(text: string, max: number): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** `text` cut to `max` characters with an ellipsis; control characters become spaces. Unicode stays as it is. */
export function bounded(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const clean = text.replace(/[\x00-\x1f\x7f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
