// The committed tiny-encoder fixture, and throwaway copies of it that a test may break.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TINY_ENCODER = fileURLToPath(new URL('../fixtures/tiny-encoder/', import.meta.url));

export type Json = Record<string, unknown>;

const copies: string[] = [];

/** Copies the fixture into a fresh temp dir; `editManifest` may change the manifest first. */
export function copyTinyEncoder(editManifest: (manifest: Json) => Json = (m) => m): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlir-model-'));
  copies.push(dir);
  for (const file of ['model.onnx', 'tokenizer.json']) fs.copyFileSync(path.join(TINY_ENCODER, file), path.join(dir, file));
  const manifest = JSON.parse(fs.readFileSync(path.join(TINY_ENCODER, 'manifest.json'), 'utf8')) as Json;
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(editManifest(manifest)));
  return dir;
}

/** Deletes every copy made so far (call from afterAll). */
export function removeTinyEncoderCopies(): void {
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The fixture's reference cases: ids from the tokenizer, vectors computed by torch. */
export function expectedCases(): { text: string; ids: number[]; vector: number[] }[] {
  return JSON.parse(fs.readFileSync(path.join(TINY_ENCODER, 'expected.json'), 'utf8')).cases;
}
