/**
 * One model's latency trace as it arrives: query number and milliseconds in two typed arrays that
 * double when full, so appending a batch of samples is a copy and a chart gets zero-copy views
 * (`subarray`) of any window. Plain arrays of objects would cost ~100 bytes and a GC object per
 * point; these cost 16 bytes per point whatever the run length.
 */
export class TraceBuffer {
  #x = new Float64Array(1024);
  #y = new Float64Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  append(values: ArrayLike<number>): void {
    const needed = this.#length + values.length;
    if (needed > this.#x.length) {
      const capacity = Math.max(needed, this.#x.length * 2);
      const x = new Float64Array(capacity);
      const y = new Float64Array(capacity);
      x.set(this.#x.subarray(0, this.#length));
      y.set(this.#y.subarray(0, this.#length));
      this.#x = x;
      this.#y = y;
    }
    for (let i = 0; i < values.length; i++) {
      this.#x[this.#length] = this.#length;
      this.#y[this.#length] = values[i];
      this.#length++;
    }
  }

  clear(): void {
    this.#length = 0;
  }

  /** The last `points` points (all of them when `points` is undefined), as views into the buffer. */
  window(points?: number): [Float64Array, Float64Array] {
    const from = points === undefined ? 0 : Math.max(0, this.#length - points);
    return [this.#x.subarray(from, this.#length), this.#y.subarray(from, this.#length)];
  }
}
