import { countFlops, inferEncoderShapes, type FlopCount } from './flop-count.ts';
import { countBytes, type ByteCount } from './memory-traffic.ts';
import { readOnnxModel, type OnnxModel } from './onnx-model.ts';

/**
 * What one forward pass of a model costs at a shape — FLOPs and bytes moved — counted from its
 * graph and memoised per shape: a run asks for the same few token counts again and again.
 */
export class ModelCost {
  readonly #model: OnnxModel;
  readonly #counts = new Map<string, { flops: FlopCount; bytes: ByteCount }>();

  constructor(model: OnnxModel) {
    this.#model = model;
  }

  static async fromFile(file: string): Promise<ModelCost> {
    return new ModelCost(await readOnnxModel(file));
  }

  flops(batch: number, sequence: number): FlopCount {
    return this.#at(batch, sequence).flops;
  }

  bytes(batch: number, sequence: number): ByteCount {
    return this.#at(batch, sequence).bytes;
  }

  #at(batch: number, sequence: number) {
    const key = `${batch}x${sequence}`;
    let counts = this.#counts.get(key);
    if (!counts) {
      // One shape walk serves both counts.
      const shapes = inferEncoderShapes(this.#model, batch, sequence);
      counts = { flops: countFlops(this.#model, batch, sequence, shapes), bytes: countBytes(this.#model, batch, sequence, shapes) };
      this.#counts.set(key, counts);
    }
    return counts;
  }
}
