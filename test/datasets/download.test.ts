import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../main/engine/datasets/data-file.ts';
import { downloadVerified, ensurePinnedXquadR } from '../../main/engine/datasets/download.ts';
import { XlirError } from '../../main/engine/errors.ts';
import { closedPort, serveFolder, type FileServer } from './file-server.ts';
import { tempDir } from './lareqa-fixture.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.XLIR_DATA_DIR || path.resolve(repoRoot, '../shared/data');

async function errorOf(promise: Promise<unknown>): Promise<XlirError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(XlirError);
  return err as XlirError;
}

describe('pinned downloads', () => {
  let served: string;
  let server: FileServer;
  beforeAll(async () => {
    // "upstream": the real en.json, a de.json that is not the pinned file, and tiny.txt.
    served = tempDir('upstream');
    copyFileSync(path.join(dataDir, 'xquad-r', 'en.json'), path.join(served, 'en.json'));
    writeFileSync(path.join(served, 'de.json'), '{"data": []}');
    writeFileSync(path.join(served, 'tiny.txt'), 'hello');
    server = await serveFolder(served, { 'ar.json': 500 });
  });
  afterAll(() => server.close());

  it('writes a verified file into place and leaves no temporary file', async () => {
    const dest = path.join(tempDir('dl'), 'sub', 'tiny.txt');
    await downloadVerified(`${server.baseUrl}tiny.txt`, dest, { bytes: 5, sha256: sha256Hex(Buffer.from('hello')) });
    expect(readFileSync(dest, 'utf8')).toBe('hello');
    expect(readdirSync(path.dirname(dest))).toEqual(['tiny.txt']);
  });

  it('fetches a missing XQuAD-R file once, then trusts the verified copy, and replaces a damaged one', async () => {
    const cache = tempDir('cache');
    const first = await ensurePinnedXquadR(cache, ['en'], { baseUrl: server.baseUrl });
    const file = path.join(cache, 'xquad-r', 'en.json');
    expect(first).toEqual([file]);
    expect(readFileSync(file)).toEqual(readFileSync(path.join(served, 'en.json')));
    expect(await ensurePinnedXquadR(cache, ['en'], { baseUrl: server.baseUrl })).toEqual([]);
    writeFileSync(file, 'damaged');
    expect(await ensurePinnedXquadR(cache, ['en'], { baseUrl: server.baseUrl })).toEqual([file]);
    expect(sha256Hex(readFileSync(file))).toBe('7b0954f39297c27a31fef610f0883337dd2907fa8699151dc922afdd0fa12ffe');
  });

  it('refuses a file whose sha256 differs from the pinned one and keeps nothing of it', async () => {
    const cache = tempDir('cache-mismatch');
    const err = await errorOf(ensurePinnedXquadR(cache, ['de'], { baseUrl: server.baseUrl }));
    expect(err.code).toBe('DATA_CHECKSUM_MISMATCH');
    expect(err.message).toMatch(/de\.json is not the pinned file: got 12 bytes with sha256 [0-9a-f]{64}, expected 732156 bytes with sha256 16fb0f4b/);
    expect(err.message).toMatch(/Nothing was saved/);
    expect(readdirSync(path.join(cache))).toEqual([]);
  });

  it('reports a server error with its status and the offline alternative', async () => {
    const err = await errorOf(ensurePinnedXquadR(tempDir('cache-500'), ['ar'], { baseUrl: server.baseUrl }));
    expect(err.code).toBe('DATA_DOWNLOAD_FAILED');
    expect(err.message).toMatch(/ar\.json: the server answered HTTP 500/);
    expect(err.message).toMatch(/--data-dir DIR or set XLIR_DATA_DIR/);
  });

  it('says to use --data-dir or XLIR_DATA_DIR when the host cannot be reached', async () => {
    const port = await closedPort();
    const err = await errorOf(ensurePinnedXquadR(tempDir('cache-offline'), ['en'], { baseUrl: `http://127.0.0.1:${port}/xquad-r` }));
    expect(err.code).toBe('DATA_DOWNLOAD_FAILED');
    expect(err.message).toContain(`Could not download http://127.0.0.1:${port}/xquad-r/en.json (ECONNREFUSED)`);
    expect(err.message).toMatch(/Without network access, .* pass --data-dir DIR or set XLIR_DATA_DIR=DIR/);
  });
});
