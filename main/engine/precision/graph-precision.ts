import { OnnxDataType, readOnnxModel } from '../roofline/onnx-model.ts';
import type { Precision } from './derived-variants.ts';

const INT8_OPS = new Set(['MatMulInteger', 'DynamicQuantizeLinear', 'QLinearMatMul', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'QAttention', 'QuantizeLinear', 'DequantizeLinear', 'QGemm']);
const INT4_OPS = new Set(['MatMulNBits', 'MatMulBnb4']);

/**
 * The precision a graph computes its weight products in, read from its operators and weights:
 * int4 / int8 when it has quantised matrix products, fp16 when most weight bytes are float16,
 * else fp32; `mixed` when fp16 and fp32 weights are about even.
 */
export async function graphPrecision(file: string): Promise<Precision> {
  const model = await readOnnxModel(file);
  if (model.nodes.some((n) => INT4_OPS.has(n.opType))) return 'int4';
  if (model.nodes.some((n) => INT8_OPS.has(n.opType))) return 'int8';
  let fp16 = 0;
  let fp32 = 0;
  for (const t of model.initializers) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (t.dataType === OnnxDataType.float16) fp16 += count;
    else if (t.dataType === OnnxDataType.float) fp32 += count;
  }
  if (fp16 > 2 * fp32) return 'fp16';
  return fp16 * 2 > fp32 ? 'mixed' : 'fp32';
}
