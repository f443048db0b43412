/**
 * Splits a `text/event-stream` into the data of its events, as `EventSource` would (EventSource
 * itself cannot send the Authorization header the server requires). Only `data:` fields matter
 * here; comments (`: ping`) and other fields are skipped. Text arrives in arbitrary chunks.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];

  /** Feeds decoded text; returns the data of every event this chunk completed, in order. */
  push(text: string): string[] {
    this.#buffer += text;
    const events: string[] = [];
    let start = 0;
    for (let nl = this.#buffer.indexOf('\n', start); nl >= 0; nl = this.#buffer.indexOf('\n', start)) {
      const line = this.#buffer.slice(start, this.#buffer[nl - 1] === '\r' ? nl - 1 : nl);
      start = nl + 1;
      if (line === '') {
        if (this.#data.length > 0) events.push(this.#data.join('\n'));
        this.#data = [];
      } else if (line.startsWith('data:')) {
        this.#data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }
}
