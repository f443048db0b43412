import { describe, expect, it } from 'vitest';
import { OnnxDataType } from '../../main/engine/roofline/onnx-model.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { modelRoofline } from '../../main/engine/run/model-roofline.ts';
import { floatInput, floats, model, node } from '../roofline/graphs.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

describe('modelRoofline notes', () => {
  it('names both kinds of node the FLOP count covers when some cannot be shaped: MatMuls and reducing scatters', () => {
    // An op the shape inference does not know hides the shapes of a MatMul's input and a scatter-add's updates.
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence']), { name: 'at', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
      outputs: [floatInput('y', null), floatInput('bag', null)],
      initializers: [floats('W', [4, 2])],
      nodes: [
        node('MysteryOp', ['x'], ['hidden'], {}, 'com.example'),
        node('MatMul', ['hidden', 'W'], ['y']),
        node('ScatterElements', ['x', 'at', 'hidden'], ['bag'], { reduction: { string: 'add' } }),
      ],
    });
    const latency = syntheticResult({ samples: 20 }).models[0].latency;
    const r = modelRoofline(latency, new ModelCost(graph), undefined);
    expect(r.flops.uncounted).toEqual(['y', 'bag']);
    expect(r.notes).toContain('2 MatMul-family or reducing-scatter node(s) could not be shaped (y, bag): FLOPs and efficiency are lower bounds');
  });
});
