import { describe, expect, it } from 'vitest';
import { SseParser } from '../../renderer/src/api/sse-parser.ts';

describe('SseParser', () => {
  it('returns the data of each event, however the text is cut into chunks', () => {
    const stream = ': connected\n\ndata: {"a":1}\n\n: ping\n\ndata: {"b":2}\r\n\r\ndata: {"c":3}\n\n';
    for (const size of [1, 2, 5, 7, stream.length]) {
      const parser = new SseParser();
      const events: string[] = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events, `chunks of ${size}`).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    }
  });

  it('joins the data lines of one event, keeps an unfinished event for later, and skips other fields', () => {
    const parser = new SseParser();
    expect(parser.push('event: x\ndata: first\ndata:second\nid: 7\n')).toEqual([]);
    expect(parser.push('\ndata: next')).toEqual(['first\nsecond']);
    expect(parser.push('\n\n')).toEqual(['next']);
  });
});
