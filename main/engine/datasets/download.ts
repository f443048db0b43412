import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XlirError } from '../errors.ts';
import { sha256Hex } from './data-file.ts';
import { XQUAD_R_PINNED, type PinnedFile } from './pinned-files.ts';
import { xquadRFile, type XquadRLanguage } from './xquad-r.ts';

export interface DownloadOptions {
  /** Folder URL the `{lang}.json` files are fetched from; default the pinned upstream commit. Tests point it at a local server. */
  baseUrl?: string;
  /** Per file, including the body; default 120 s. */
  timeoutMs?: number;
  /** Told about each file before it is fetched (the CLI prints it). */
  onDownload?: (url: string, file: string) => void;
}

const OFFLINE_HINT =
  `Without network access, copy xquad-r/{lang}.json from ${XQUAD_R_PINNED.repository} (commit ${XQUAD_R_PINNED.commit}) ` +
  'into a folder DIR/xquad-r/ and pass --data-dir DIR or set XLIR_DATA_DIR=DIR.';

/** Why a fetch failed: fetch hides the reason (ECONNREFUSED, ENOTFOUND, a timeout) in `cause`. */
export function fetchFailureReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * Fetches `url` into `dest` only if it is exactly `expected` (size and sha256). The bytes go to
 * a temporary file in the same folder and are renamed into place, so `dest` is either absent or
 * complete and verified: an interrupted or mismatched download leaves nothing behind.
 */
export async function downloadVerified(url: string, dest: string, expected: PinnedFile, options: Pick<DownloadOptions, 'timeoutMs'> = {}): Promise<void> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
    if (!response.ok) {
      throw new XlirError('DATA_DOWNLOAD_FAILED', `Could not download ${url}: the server answered HTTP ${response.status} ${response.statusText}. Try again later. ${OFFLINE_HINT}`);
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    if (err instanceof XlirError) throw err;
    throw new XlirError('DATA_DOWNLOAD_FAILED', `Could not download ${url} (${fetchFailureReason(err)}). ${OFFLINE_HINT}`, { cause: err });
  }
  const sha256 = sha256Hex(bytes);
  if (bytes.length !== expected.bytes || sha256 !== expected.sha256) {
    throw new XlirError(
      'DATA_CHECKSUM_MISMATCH',
      `${url} is not the pinned file: got ${bytes.length} bytes with sha256 ${sha256}, expected ${expected.bytes} bytes with sha256 ${expected.sha256}. ` +
        `Nothing was saved. A proxy or a changed upstream can cause this. ${OFFLINE_HINT}`,
    );
  }
  await mkdir(path.dirname(dest), { recursive: true });
  const temp = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, dest);
  } catch (err) {
    await rm(temp, { force: true });
    throw new XlirError('DATA_DOWNLOAD_FAILED', `Could not write ${dest}: ${(err as Error).message}`, { cause: err });
  }
}

/** True when `file` exists and is exactly `expected`. */
async function isPinnedCopy(file: string, expected: PinnedFile): Promise<boolean> {
  if (!existsSync(file)) return false;
  const bytes = await readFile(file);
  return bytes.length === expected.bytes && sha256Hex(bytes) === expected.sha256;
}

/**
 * Makes `{cacheDir}/xquad-r/{lang}.json` the pinned upstream files for `langs`, downloading those
 * missing or not matching (a damaged cache is replaced, never used). Returns the files downloaded.
 */
export async function ensurePinnedXquadR(cacheDir: string, langs: readonly XquadRLanguage[], options: DownloadOptions = {}): Promise<string[]> {
  const baseUrl = options.baseUrl ?? XQUAD_R_PINNED.baseUrl;
  const downloaded = await Promise.all(
    langs.map(async (lang) => {
      const file = xquadRFile(cacheDir, lang);
      const expected = XQUAD_R_PINNED.files[lang];
      if (await isPinnedCopy(file, expected)) return [];
      const url = new URL(`${lang}.json`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
      options.onDownload?.(url, file);
      await downloadVerified(url, file, expected, options);
      return [file];
    }),
  );
  return downloaded.flat();
}
