import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpyFloat32, encodeNpyFloat32 } from '../../main/engine/embeddings/npy.ts';

describe('npy float32 writer', () => {
  const data = new Float32Array([1, -2.5, 3.25, 0, 1e-7, 42]);

  it('puts the data on a 64-byte boundary with a parseable header', () => {
    const bytes = encodeNpyFloat32(data, 2, 3);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLength))).toMatch(/'shape': \(2, 3\)/);
    const back = decodeNpyFloat32(bytes);
    expect([back.rows, back.cols]).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('refuses a shape that does not match the data', () => {
    expect(() => encodeNpyFloat32(data, 4, 2)).toThrow(/6 values do not make a 4×2/);
  });

  // numpy itself is the reference reader; Debian's python3-numpy is installed by native-models/install-deps.sh.
  const python = '/usr/bin/python3';
  const hasNumpy = existsSync(python) && (() => { try { execFileSync(python, ['-c', 'import numpy']); return true; } catch { return false; } })();
  it.skipIf(!hasNumpy)('is read back by numpy.load with the same values', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'npy-')), 'a.npy');
    writeFileSync(file, encodeNpyFloat32(data, 2, 3));
    const out = execFileSync(python, ['-c', `import numpy as n; a=n.load(${JSON.stringify(file)}); import json; print(json.dumps([str(a.dtype), list(a.shape), a.ravel().tolist()]))`], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['float32', [2, 3], Array.from(data)]);
  });
});
