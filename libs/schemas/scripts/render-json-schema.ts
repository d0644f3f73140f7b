import { eventJsonSchema } from '../src/index.js';

/** The committed file's exact text: pretty JSON with a trailing newline. */
export function renderEventJsonSchema(): string {
  return `${JSON.stringify(eventJsonSchema(), null, 2)}\n`;
}
