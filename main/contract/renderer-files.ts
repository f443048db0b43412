import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The built renderer (dist/renderer) as files, for both adapters that serve it: `xlir serve` over
 * HTTP and the desktop app's `app://` protocol. One lookup, so the two refuse the same paths.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The Content-Type for a renderer file; module scripts load only with a JavaScript type. */
export function rendererContentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The file a URL's path (still percent-encoded, without query or fragment) names inside `root`,
 * or undefined for anything outside it, not a plain file, or missing. `/` is index.html.
 */
export async function resolveRendererFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  // `..` in any spelling, NUL and backslashes (a separator on Windows) never name a file of ours.
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return undefined;
  const target = path.resolve(root, `.${decoded === '/' ? '/index.html' : decoded}`);
  if (!inside(root, target)) return undefined;
  try {
    // Symbolic links are followed only to files that are inside the folder too.
    const [realRoot, real] = await Promise.all([realpath(root), realpath(target)]);
    if (!inside(realRoot, real)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
