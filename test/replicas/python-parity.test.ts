// The Node generator against the Python one (native-models), on small configurations: loaded with
// the same weights, torch's encoder computes what ONNX Runtime computes on the Node graph, and
// torch's own export of that configuration has the same operators. Needs a Python with torch and
// onnx (Debian's python3-torch here; `bash native-models/install-deps.sh`); skipped elsewhere.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readOnnxModel } from '../../main/engine/roofline/onnx-model.ts';
import { generateReplica } from '../../main/engine/replicas/generate-replica.ts';
import { REPLICAS, type ReplicaSpec } from '../../main/engine/replicas/replica-catalog.ts';
import { repoRoot } from '../run/fixtures.ts';
import { tempModelsDir, tinyReplica, tokenizerFile } from './tiny-replicas.ts';

const PYTHON = process.env.XLIR_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
const skipReason = probe.error ? `${PYTHON} not found` : probe.status !== 0 ? `${PYTHON} has no torch/onnx (bash native-models/install-deps.sh installs them)` : undefined;
if (skipReason) console.warn(`python-parity: skipped: ${skipReason}`);

/** The Python EncoderConfig fields of a spec. */
function pythonConfig(spec: ReplicaSpec): Record<string, unknown> {
  const a = spec.architecture;
  return {
    vocab_size: a.vocabSize,
    hidden_size: a.hiddenSize,
    num_layers: a.layers,
    num_heads: a.heads,
    intermediate_size: a.intermediateSize,
    max_positions: a.maxPositions,
    type_vocab_size: a.typeVocabSize,
    pad_token_id: a.padTokenId,
    position_style: a.positions === 'padding-offset' ? 'padding_offset' : 'absolute',
    layer_norm_eps: a.layerNormEps,
    sentence_head: a.sentenceHead === 'cls-dense-tanh' ? 'cls_dense_tanh' : 'none',
  };
}

describe.skipIf(skipReason !== undefined)('Node and Python replicas', () => {
  it('have the same catalogue: architecture, pooling, length, prefixes and special ids of each real model', () => {
    const script =
      'import json, dataclasses\nfrom replicas.configs import REPLICAS\n' +
      'print(json.dumps({s.name: dict(encoder=dataclasses.asdict(s.encoder), pooling=s.pooling, max_length=s.max_length, prefixes=list(s.prefixes), special_ids=s.special_ids, hub_id=s.hub_id) for s in REPLICAS.values()}))';
    const python = spawnSync(PYTHON, ['-c', script], { cwd: repoRoot, env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'native-models') }, encoding: 'utf8' });
    expect(python.status).toBe(0);
    const catalogue = JSON.parse(python.stdout) as Record<string, { encoder: Record<string, unknown>; pooling: string; max_length: number; prefixes: string[]; special_ids: Record<string, number>; hub_id: string }>;
    // XLM-R large is generated in Node only (over 2 GB, beyond the Python exporter's single file).
    expect(REPLICAS.map((r) => r.name).filter((n) => n !== 'xlm-roberta-large-replica').sort()).toEqual(Object.keys(catalogue).sort());
    for (const [name, py] of Object.entries(catalogue)) {
      const spec = REPLICAS.find((r) => r.name === name)!;
      expect({ ...pythonConfig(spec), dropout: py.encoder.dropout }).toEqual(py.encoder);
      expect([spec.hubId, spec.pooling, spec.maxLength, [spec.prefixes.query, spec.prefixes.passage], spec.specialIds]).toEqual([py.hub_id, py.pooling, py.max_length, py.prefixes, py.special_ids]);
    }
  });

  for (const name of ['xlm-roberta-base', 'labse', 'multilingual-e5-small']) {
    it(`${name}: same outputs with the same weights, same operators as torch's export`, async () => {
      const spec = tinyReplica(name, { vocabSize: 60, hiddenSize: 24, layers: 2, heads: 3, intermediateSize: 40 });
      const { dir } = await generateReplica(spec, tempModelsDir(`parity-${name}`), { tokenizer: { file: tokenizerFile(spec, ['a']) } });
      const pad = spec.architecture.padTokenId;
      // Two rows, the second padded: the masked path and XLM-R's position offsets are exercised.
      const ids = [
        [5, 17, 33, 41, 8, 12, 9],
        [5, 22, 30, 9, pad, pad, pad],
      ];
      const mask = ids.map((row, r) => row.map((id, i) => (r === 1 && i >= 4 ? 0 : 1)));
      const python = spawnSync(
        PYTHON,
        ['-m', 'replicas.check_node_replica', '--model', dir, '--config', JSON.stringify(pythonConfig(spec)), '--inputs', JSON.stringify({ input_ids: ids, attention_mask: mask })],
        { cwd: repoRoot, env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'native-models') }, encoding: 'utf8', timeout: 120_000 },
      );
      expect(python.stderr.split('\n').filter((line) => /Error|Traceback/.test(line))).toEqual([]);
      expect(python.status).toBe(0);
      const torch = JSON.parse(python.stdout) as { output: number[][] | number[][][]; ops: Record<string, number> };

      const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
      const tensor = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0].length]);
      const outputs = await session.run({ input_ids: tensor(ids), attention_mask: tensor(mask) });
      const node = Array.from(outputs[session.outputNames[0]].data as Float32Array);
      await session.release();
      const expected = (torch.output as unknown[]).flat(2) as number[];
      expect(node).toHaveLength(expected.length);
      const worst = Math.max(...node.map((v, i) => Math.abs(v - expected[i])));
      expect(worst).toBeLessThan(1e-4);

      const nodeOps: Record<string, number> = {};
      for (const n of (await readOnnxModel(path.join(dir, 'model.onnx'))).nodes) nodeOps[n.opType] = (nodeOps[n.opType] ?? 0) + 1;
      expect(nodeOps).toEqual(torch.ops);
    }, 180_000);
  }
});
