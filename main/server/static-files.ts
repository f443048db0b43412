import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { RENDERER_SECURITY_HEADERS } from '../contract/content-security-policy.ts';
import { rendererContentType, resolveRendererFile } from '../contract/renderer-files.ts';
import { sendText } from './send-response.ts';

/** Where Vite writes the built renderer (`npm run build`). */
export function defaultStaticDir(): string {
  return fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
}

export function staticDirReady(staticDir: string): boolean {
  return existsSync(path.join(staticDir, 'index.html'));
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>XLIR Bench: UI not built</title></head>
<body><h1>The XLIR Bench UI is not built</h1>
<p>Run <code>npm run build</code> first (in the XLIR Bench folder), then start <code>xlir serve</code> again.</p></body></html>
`;

/**
 * The built renderer's files, GET (and HEAD) only, each with the renderer's CSP and security
 * headers. Nothing outside `staticDir` is reachable and folders are never listed: any such request
 * is a plain 404, the same as a missing file.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, staticDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Only GET is served here.\n', { ...RENDERER_SECURITY_HEADERS, Allow: 'GET, HEAD' });
    return;
  }
  if (!staticDirReady(staticDir)) {
    res.writeHead(503, { ...RENDERER_SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(NOT_BUILT_PAGE) });
    res.end(NOT_BUILT_PAGE);
    return;
  }
  const file = await resolveRendererFile(staticDir, (req.url ?? '/').split(/[?#]/)[0]);
  if (!file) {
    sendText(res, 404, 'Not found.\n', RENDERER_SECURITY_HEADERS);
    return;
  }
  const { size } = await stat(file);
  res.writeHead(200, {
    ...RENDERER_SECURITY_HEADERS,
    'Content-Type': rendererContentType(file),
    'Content-Length': size,
    // Revalidated on each load: a rebuilt renderer is never mixed with a cached one.
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file), res);
}
