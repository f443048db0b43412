import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listModels, scanModelFolders } from '../../main/engine/models/discover.ts';
import { sha256File } from '../../main/engine/models/file-hash.ts';
import { copyTinyEncoder, removeTinyEncoderCopies, TINY_ENCODER } from './tiny-encoder-copy.ts';

const roots: string[] = [];
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
  removeTinyEncoderCopies();
});

function modelsRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xlir-models-'));
  roots.push(root);
  fs.cpSync(copyTinyEncoder(), path.join(root, 'good'), { recursive: true });
  fs.cpSync(copyTinyEncoder((m) => ({ ...m, pooling: 'sum' })), path.join(root, 'bad-manifest'), { recursive: true });
  const noOnnx = path.join(root, 'no-onnx');
  fs.cpSync(copyTinyEncoder(), noOnnx, { recursive: true });
  fs.rmSync(path.join(noOnnx, 'model.onnx'));
  fs.mkdirSync(path.join(root, 'not-a-model'));
  fs.writeFileSync(path.join(root, 'stray-file.txt'), 'x');
  return root;
}

describe('listModels', () => {
  it('lists good folders with their facts and broken ones with their error, skipping the rest', async () => {
    const root = modelsRoot();
    const listing = await listModels([root, path.join(root, 'does-not-exist')]);
    expect(listing.map((m) => path.basename(m.dir))).toEqual(['bad-manifest', 'good', 'no-onnx']);
    const [badManifest, good, noOnnx] = listing;
    expect(good).toEqual({
      dir: path.join(root, 'good'), ok: true, name: 'xlir-tiny-test', family: 'xlir-tiny-test', checkpoint: 'baseline',
      dimension: 32, maxLength: 64, bytes: fs.statSync(path.join(TINY_ENCODER, 'model.onnx')).size, variants: [], layout: 'xlir',
    });
    expect(badManifest).toMatchObject({ ok: false, error: expect.stringContaining('pooling') });
    expect(noOnnx).toMatchObject({ ok: false, error: expect.stringContaining('holds no ONNX graph') });
  });

  it('says why a subfolder is not listed', async () => {
    const root = modelsRoot();
    const { skipped } = await scanModelFolders([root]);
    expect(skipped).toEqual([{ dir: path.join(root, 'not-a-model'), reason: expect.stringContaining('no manifest.json, model.onnx, onnx/model.onnx') }]);
  });

  it('accepts a model folder itself as a dir to list', async () => {
    const listing = await listModels([TINY_ENCODER]);
    expect(listing).toEqual([expect.objectContaining({ ok: true, name: 'xlir-tiny-test' })]);
  });
});

describe('sha256File', () => {
  it('is the sha256 of the file, and is recomputed when the file changes', async () => {
    const file = path.join(copyTinyEncoder(), 'model.onnx');
    expect(await sha256File(file)).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    fs.appendFileSync(file, 'changed');
    expect(await sha256File(file)).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  });
});
