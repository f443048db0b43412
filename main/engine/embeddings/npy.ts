/**
 * NumPy `.npy` format 1.0 for a 2-D little-endian float32 array, so that anyone can load our
 * embeddings with `numpy.load` and recompute the metrics. Spec: numpy.lib.format.
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export function encodeNpyFloat32(data: Float32Array, rows: number, cols: number): Uint8Array {
  if (rows * cols !== data.length) throw new Error(`npy: ${data.length} values do not make a ${rows}×${cols} array`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces and a final
  // newline so the data starts on a 64-byte boundary (what numpy itself writes).
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Float32Array(out.buffer, 10 + header.length, data.length);
  body.set(data); // typed arrays are little-endian on every platform we ship for
  return out;
}

/** Reads back what `encodeNpyFloat32` writes (used by tests and by anyone re-scoring saved embeddings). */
export function decodeNpyFloat32(bytes: Uint8Array): { rows: number; cols: number; data: Float32Array } {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error('npy: bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (!header.includes("'<f4'") || !shape) throw new Error(`npy: unsupported header ${header.trim()}`);
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  const start = 10 + headerLength;
  const data = new Float32Array(bytes.slice(start, start + rows * cols * 4).buffer);
  return { rows, cols, data };
}
