import type { ServerResponse } from 'node:http';
import type { ApiErrorBody } from '../contract/app-api.ts';

/** Headers every API answer carries: never cached, never sniffed as anything but JSON. */
const API_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value ?? null);
  res.writeHead(status, { ...API_HEADERS, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendApiError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } } satisfies ApiErrorBody, headers);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
