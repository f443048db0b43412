import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { detectProviders } from '../../main/engine/models/execution-providers.ts';
import { loadModel } from '../../main/engine/models/load-model.ts';
import { copyTinyEncoder, removeTinyEncoderCopies, TINY_ENCODER } from './tiny-encoder-copy.ts';

// These tests ask ONNX Runtime for CUDA for real. Where the CUDA add-on and a GPU exist the
// failure paths cannot happen, so they run only where CUDA is not ready (this project's machines).
const report = await detectProviders();
const cudaReady = report.providers.find((p) => p.provider === 'cuda')?.ready ?? false;

describe('detectProviders', () => {
  it('lists the CPU provider as ready and says why CUDA is or is not', () => {
    expect(report.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.backends.map((b) => b.name)).toContain('cpu');
    expect(report.providers.find((p) => p.provider === 'cpu')).toMatchObject({ ready: true });
    const cuda = report.providers.find((p) => p.provider === 'cuda');
    expect(cuda?.ready).toBe(report.cudaAddOn.installed && report.gpus.length > 0);
    if (!report.cudaAddOn.installed) expect(cuda?.detail).toContain('npm run install:cuda');
    if (report.gpus.length === 0) expect(cuda?.detail).toContain('no NVIDIA GPU');
  });
});

describe.skipIf(cudaReady)('asking for CUDA where it is unavailable', () => {
  const warnings: string[] = [];
  const loaded: { dispose(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const encoder of loaded) await encoder.dispose();
    removeTinyEncoderCopies();
  });

  it("['cuda'] alone → PROVIDER_UNAVAILABLE explaining what is missing, with ONNX Runtime's message", async () => {
    const error = await loadModel(TINY_ENCODER, { executionProviders: ['cuda'] }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(XlirError);
    const { code, message } = error as XlirError;
    expect(code).toBe('PROVIDER_UNAVAILABLE');
    expect(message).toContain('CUDA is unavailable');
    expect(message).toContain('ONNX Runtime said:');
    if (!report.cudaAddOn.installed) expect(message).toContain('npm run install:cuda');
    if (report.gpus.length === 0) expect(message).toContain('no NVIDIA GPU');
  });

  it("['cuda', 'cpu'] → runs on CPU, records why and warns", async () => {
    const encoder = await loadModel(TINY_ENCODER, { executionProviders: ['cuda', 'cpu'], onWarning: (m) => warnings.push(m) });
    loaded.push(encoder);
    expect(encoder.provider).toBe('cpu');
    expect(encoder.fallbackReason).toContain('CUDA is unavailable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('on cpu instead');
    expect((await encoder.run(encoder.tokenize(['Hello world'], 'query'))).length).toBe(32);
  });

  it("a broken model asked for with ['cuda', 'cpu'] is reported as the model's fault, not CUDA's", async () => {
    const dir = copyTinyEncoder();
    fs.writeFileSync(path.join(dir, 'model.onnx'), 'not a protobuf');
    const error = await loadModel(dir, { executionProviders: ['cuda', 'cpu'] }).catch((err: unknown) => err);
    expect((error as XlirError).code).toBe('MODEL_INVALID');
  });
});
