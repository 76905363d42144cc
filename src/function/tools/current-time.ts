/** The current date and time, in UTC or a named IANA time zone. */
import { ToolInputError, type Tool } from './types';

export const currentTime: Tool<{ timezone?: string }> = {
  name: 'current_time',
  description: 'Returns the current date and time as ISO 8601 (UTC) and as local time in an IANA time zone such as "Europe/Paris".',
  inputSchema: {
    type: 'object',
    properties: { timezone: { type: 'string', description: 'IANA time zone; defaults to "UTC".' } },
    additionalProperties: false,
  },
  run(input) {
    const timezone = input.timezone ?? 'UTC';
    if (typeof timezone !== 'string') throw new ToolInputError('`timezone` must be a string such as "Europe/Paris".');
    let formatter: Intl.DateTimeFormat;
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone: timezone, dateStyle: 'full', timeStyle: 'long' });
    } catch {
      throw new ToolInputError(`Unknown time zone "${timezone}". Use an IANA name such as "UTC" or "America/New_York".`);
    }
    const now = new Date();
    return JSON.stringify({ utc: now.toISOString(), timezone, local: formatter.format(now) });
  },
};
