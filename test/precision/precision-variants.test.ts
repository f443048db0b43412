import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { loadModel } from '../../main/engine/models/load-model.ts';
import { derivedVariantFile, RECIPE_VERSION } from '../../main/engine/precision/derived-variants.ts';
import { convertFp16, toHalfBits } from '../../main/engine/precision/fp16.ts';
import { graphPrecision } from '../../main/engine/precision/graph-precision.ts';
import { quantizeColumns, quantizeInt8 } from '../../main/engine/precision/int8-dynamic.ts';
import { decodeOnnxModel, encodeOnnxModel, OnnxDataType, type OnnxModel } from '../../main/engine/roofline/onnx-model.ts';
import { copyTinyEncoder, removeTinyEncoderCopies, TINY_ENCODER } from '../models/tiny-encoder-copy.ts';

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  removeTinyEncoderCopies();
});
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlir-precision-'));
  temp.push(dir);
  return dir;
};
const tinyGraph = () => fs.readFileSync(path.join(TINY_ENCODER, 'model.onnx'));

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

async function tinyOutput(bytes: Uint8Array): Promise<Float32Array> {
  const session = await InferenceSession.create(bytes);
  const ids = BigInt64Array.from([2n, 40n, 41n, 100n, 150n, 200n, 3n]);
  const out = await session.run({ input_ids: new Tensor('int64', ids, [1, 7]), attention_mask: new Tensor('int64', ids.map(() => 1n), [1, 7]) });
  await session.release();
  return out.last_hidden_state.data as Float32Array;
}

/** Y = X·W (MatMul) and Z = X·Vᵀ + c (Gemm, transB): one of each eligible node. */
function linearGraph(k: number, n: number): { bytes: Uint8Array; w: Float32Array; v: Float32Array; c: Float32Array } {
  const w = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 0.37) * (1 + (i % n)));
  const v = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i * 0.11));
  const c = Float32Array.from({ length: n }, (_, i) => i / n);
  const tensor = (name: string, dims: number[], data: Float32Array) => ({ name, dataType: OnnxDataType.float, dims, data: new Uint8Array(data.buffer) });
  const model: OnnxModel = {
    irVersion: 8,
    opset: 17,
    producer: 'test',
    nodes: [
      { opType: 'MatMul', domain: '', name: 'mm', inputs: ['X', 'W'], outputs: ['Y'], attributes: {} },
      { opType: 'Gemm', domain: '', name: 'gemm', inputs: ['X', 'V', 'C'], outputs: ['Z'], attributes: { transB: { int: 1 } } },
    ],
    initializers: [tensor('W', [k, n], w), tensor('V', [n, k], v), tensor('C', [n], c)],
    inputs: [{ name: 'X', elemType: OnnxDataType.float, dims: ['batch', k] }],
    outputs: [
      { name: 'Y', elemType: OnnxDataType.float, dims: ['batch', n] },
      { name: 'Z', elemType: OnnxDataType.float, dims: ['batch', n] },
    ],
    valueInfo: [],
  };
  return { bytes: encodeOnnxModel(model), w, v, c };
}

describe('int8 weights per output column', () => {
  it('scales each column by its own largest magnitude and rounds half to even', () => {
    // Column 0 spans ±1.27 (scale 0.01), column 1 ±127 (scale 1): a shared scale would flatten column 0.
    const { values, scales } = quantizeColumns(Float32Array.from([1.27, 127, -0.635, 0.5, 0.005, -127]), 3, 2);
    expect(Array.from(scales)).toEqual([Math.fround(1.27 / 127), 1]);
    expect(Array.from(values)).toEqual([127, 127, -64, 0, 0, -127]); // -63.5 → -64, 0.5 → 0, 0.5 → 0 (half to even)
  });

  it('keeps an all-zero column at zero with scale 1', () => {
    const { values, scales } = quantizeColumns(new Float32Array(4), 2, 2);
    expect(Array.from(scales)).toEqual([1, 1]);
    expect(Array.from(values)).toEqual([0, 0, 0, 0]);
  });
});

describe('quantizeInt8', () => {
  it('turns MatMul and Gemm weights into MatMulInteger that ONNX Runtime runs, close to the float result', async () => {
    const k = 64;
    const n = 32;
    const { bytes } = linearGraph(k, n);
    const { bytes: quantized, report } = quantizeInt8(bytes, 'linear.onnx');
    expect(report).toEqual({ quantizedNodes: 2, quantizedTables: 0, quantizedWeights: 2 * k * n });
    const model = decodeOnnxModel(quantized);
    expect(model.nodes.map((x) => x.opType)).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul', 'MatMulInteger', 'Cast', 'Mul', 'Mul', 'Add']);
    // The float weights no node reads are gone; the bias stays float.
    expect(model.initializers.map((t) => `${t.name}:${t.dataType}`).sort()).toEqual(['C:1', 'V_int8_scale:1', 'V_int8_weight:3', 'V_int8_zero_point:3', 'W_int8_scale:1', 'W_int8_weight:3', 'W_int8_zero_point:3'].sort());

    const x = Float32Array.from({ length: 3 * k }, (_, i) => Math.sin(i));
    const run = async (graph: Uint8Array) => {
      const session = await InferenceSession.create(graph);
      const out = await session.run({ X: new Tensor('float32', x, [3, k]) });
      await session.release();
      return [out.Y.data as Float32Array, out.Z.data as Float32Array];
    };
    const [yFloat, zFloat] = await run(bytes);
    const [yInt8, zInt8] = await run(quantized);
    expect(cosine(yFloat, yInt8)).toBeGreaterThan(0.999);
    expect(cosine(zFloat, zInt8)).toBeGreaterThan(0.999);
  });

  it('stores an embedding table int8 per row and looks rows up scaled back, close to the float rows', async () => {
    const [v, h] = [40, 32];
    // Row r spans ±(r + 1): one scale for the table would flatten the small rows.
    const table = Float32Array.from({ length: v * h }, (_, i) => Math.sin(i * 0.7) * (1 + Math.floor(i / h)));
    const model: OnnxModel = {
      irVersion: 8,
      opset: 17,
      producer: 'test',
      nodes: [{ opType: 'Gather', domain: '', name: 'embed', inputs: ['E', 'ids'], outputs: ['rows'], attributes: {} }],
      initializers: [{ name: 'E', dataType: OnnxDataType.float, dims: [v, h], data: new Uint8Array(table.buffer) }],
      inputs: [{ name: 'ids', elemType: OnnxDataType.int64, dims: ['batch', 'seq'] }],
      outputs: [{ name: 'rows', elemType: OnnxDataType.float, dims: ['batch', 'seq', h] }],
      valueInfo: [],
    };
    const { bytes: quantized, report } = quantizeInt8(encodeOnnxModel(model), 'embed.onnx');
    expect(report).toEqual({ quantizedNodes: 0, quantizedTables: 1, quantizedWeights: v * h });
    const decoded = decodeOnnxModel(quantized);
    expect(decoded.nodes.map((x) => x.opType)).toEqual(['Gather', 'Cast', 'Gather', 'Mul']);
    expect(decoded.initializers.map((t) => `${t.name}:${t.dataType}:${t.dims.join('x')}`).sort()).toEqual(['E_int8_row_scale:1:40x1', 'E_int8_table:3:40x32']);
    const session = await InferenceSession.create(quantized);
    const ids = BigInt64Array.from([0n, 39n, 7n]);
    const rows = (await session.run({ ids: new Tensor('int64', ids, [1, 3]) })).rows.data as Float32Array;
    await session.release();
    [0, 39, 7].forEach((row, i) => {
      const scale = (row + 1) / 127; // the row's largest magnitude is (row + 1) · max|sin| ≈ row + 1
      for (let c = 0; c < h; c++) expect(Math.abs(rows[i * h + c] - table[row * h + c])).toBeLessThanOrEqual(scale * 0.51);
    });
  });

  it('gives the same bytes every time (a cached variant can be re-made exactly)', () => {
    const first = quantizeInt8(tinyGraph(), 'tiny').bytes;
    expect(Buffer.from(quantizeInt8(tinyGraph(), 'tiny').bytes).equals(Buffer.from(first))).toBe(true);
  });

  it('keeps the tiny encoder\'s vectors within 0.1% in cosine', async () => {
    const reference = await tinyOutput(tinyGraph());
    expect(cosine(reference, await tinyOutput(quantizeInt8(tinyGraph(), 'tiny').bytes))).toBeGreaterThan(0.999);
  });

  it('refuses a graph with nothing to quantise, and says why', () => {
    const once = quantizeInt8(tinyGraph(), 'tiny').bytes;
    expect(() => quantizeInt8(once, 'model_int8.onnx')).toThrow(/no float32 MatMul, Gemm or embedding Gather .*already quantised/);
    expect(() => quantizeInt8(Buffer.from('not onnx'), 'x.onnx')).toThrow(XlirError);
  });
});

describe('fp16', () => {
  it('rounds float32 to binary16 to nearest even, keeps subnormals and clamps to ±65504', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.1)).toBe(0x2e66);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7bff);
    expect(toHalfBits(-3.4e38)).toBe(0xfbff); // attention masks of float32's minimum stay finite
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(toHalfBits(2 ** -26)).toBe(0);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // a tie: to the even mantissa
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(Number.NaN)).toBe(0x7e00);
  });

  it('keeps float32 inputs and outputs, halves the weights, and stays within 0.1% in cosine', async () => {
    const half = convertFp16(tinyGraph(), 'tiny');
    const model = decodeOnnxModel(half);
    expect(model.outputs[0]).toMatchObject({ name: 'last_hidden_state', elemType: OnnxDataType.float });
    expect(model.initializers.some((t) => t.dataType === OnnxDataType.float)).toBe(false);
    expect(half.length).toBeLessThan(tinyGraph().length * 0.7); // the tiny graph's structure is a large part of it
    expect(cosine(await tinyOutput(tinyGraph()), await tinyOutput(half))).toBeGreaterThan(0.999);
  });
});

describe('graphPrecision', () => {
  it('reads fp32, int8 and fp16 off the graph', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'int8.onnx'), quantizeInt8(tinyGraph(), 'tiny').bytes);
    fs.writeFileSync(path.join(dir, 'fp16.onnx'), convertFp16(tinyGraph(), 'tiny'));
    expect(await graphPrecision(path.join(TINY_ENCODER, 'model.onnx'))).toBe('fp32');
    expect(await graphPrecision(path.join(dir, 'int8.onnx'))).toBe('int8');
    expect(await graphPrecision(path.join(dir, 'fp16.onnx'))).toBe('fp16');
  });
});

describe('derived variants', () => {
  it('are made once, cached by the graph\'s sha256, and made anew when the graph changes', async () => {
    const env = { XLIR_CACHE_DIR: tempDir() };
    const dir = copyTinyEncoder();
    const graph = path.join(dir, 'model.onnx');
    const first = await derivedVariantFile(graph, 'int8', env);
    expect(first.file).toContain(path.join(env.XLIR_CACHE_DIR, 'variants', first.source.sha256));
    expect(path.basename(first.file)).toBe(`model_int8.v${RECIPE_VERSION}.onnx`);
    const made = fs.statSync(first.file).mtimeMs;
    const again = await derivedVariantFile(graph, 'int8', env);
    expect(again.file).toBe(first.file);
    expect(fs.statSync(again.file).mtimeMs).toBe(made);

    // Another file (an unknown protobuf field 99 appended): another sha256, another variant.
    fs.writeFileSync(graph, Buffer.concat([tinyGraph(), Buffer.from([0x98, 0x06, 0x01])]));
    const changed = await derivedVariantFile(graph, 'int8', env);
    expect(changed.source.sha256).not.toBe(first.source.sha256);
    expect(changed.file).not.toBe(first.file);
  });

  it('load through loadModel as `--variant int8` on a folder that has no such file', async () => {
    const previous = process.env.XLIR_CACHE_DIR;
    process.env.XLIR_CACHE_DIR = tempDir();
    try {
      const encoder = await loadModel(TINY_ENCODER, { variant: 'int8' });
      expect(encoder.graph).toMatchObject({ variant: 'int8', derived: { source: { file: path.join(TINY_ENCODER, 'model.onnx') }, recipe: expect.stringContaining('dynamic int8') } });
      const reference = await loadModel(TINY_ENCODER);
      const texts = ['Hello world', 'Where is the longest river?'];
      const a = await reference.run(reference.tokenize(texts, 'query'));
      const b = await encoder.run(encoder.tokenize(texts, 'query'));
      expect(cosine(a, b)).toBeGreaterThan(0.999);
      await Promise.all([encoder.dispose(), reference.dispose()]);
    } finally {
      if (previous === undefined) delete process.env.XLIR_CACHE_DIR;
      else process.env.XLIR_CACHE_DIR = previous;
    }
  });
});
