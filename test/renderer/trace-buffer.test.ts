import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../renderer/src/lib/trace-buffer.ts';

describe('TraceBuffer', () => {
  it('grows past its capacity and gives windows of the latest points as views', () => {
    const buffer = new TraceBuffer();
    const values = Array.from({ length: 5000 }, (_, i) => i / 10);
    for (let i = 0; i < values.length; i += 700) buffer.append(values.slice(i, i + 700));
    expect(buffer.length).toBe(5000);
    const [x, y] = buffer.window(3);
    expect([...x]).toEqual([4997, 4998, 4999]);
    expect([...y]).toEqual([499.7, 499.8, 499.9]);
    const [allX, allY] = buffer.window();
    expect(allX.length).toBe(5000);
    expect(allY[1234]).toBe(123.4);
    expect(buffer.window(10_000)[0].length).toBe(5000);
  });
});
