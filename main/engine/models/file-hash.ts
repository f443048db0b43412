import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

// Keyed by path, size and modification time: a file rewritten in place is hashed again.
const hashCache = new Map<string, string>();

/** sha256 (hex) of a file, streamed (model files can be a gigabyte) and cached for the process. */
export async function sha256File(file: string): Promise<string> {
  const { size, mtimeMs } = await stat(file);
  const key = `${path.resolve(file)}\0${size}\0${mtimeMs}`;
  const cached = hashCache.get(key);
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  hashCache.set(key, digest);
  return digest;
}
