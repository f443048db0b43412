import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_SECURITY_HEADERS } from '../contract/content-security-policy.ts';
import { rendererContentType, resolveRendererFile } from '../contract/renderer-files.ts';
import { isAppUrl } from './app-origin.ts';

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}

/**
 * The `app://` protocol handler: serves the built renderer (dist/renderer) and nothing else,
 * read-only, with the same CSP and headers and the same path rules as `xlir serve`.
 */
export async function serveAppRequest(request: { method: string; url: string }, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Only GET and HEAD are served here.');
  if (!isAppUrl(request.url)) return textResponse(404, 'Not found.');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    return textResponse(503, `The XLIR Bench window is not built (${path.join(rendererDir, 'index.html')} is missing): run \`npm run build\` first.`);
  }
  const file = await resolveRendererFile(rendererDir, new URL(request.url).pathname);
  if (file === undefined) return textResponse(404, 'Not found.');
  const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file));
  // Revalidated on each load: a rebuilt renderer is never mixed with a cached one.
  return new Response(body, { status: 200, headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': rendererContentType(file), 'Cache-Control': 'no-cache' } });
}
