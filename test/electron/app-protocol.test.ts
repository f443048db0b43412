import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_CONTENT_SECURITY_POLICY } from '../../main/contract/content-security-policy.ts';
import { serveAppRequest } from '../../main/electron/app-protocol.ts';

let base: string;
let root: string;

beforeAll(() => {
  // dist/renderer stand-in, with a secret beside it that no URL may reach.
  base = mkdtempSync(path.join(os.tmpdir(), 'xlir-app-protocol-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>XLIR Bench</title>');
  writeFileSync(path.join(root, 'assets', 'index-1a2b.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-1a2b.css'), 'body{}');
  writeFileSync(path.join(base, 'secret.txt'), 'do not serve');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'linked.txt'));
});

const get = (url: string, method = 'GET') => serveAppRequest({ method, url }, root);

describe('the app:// protocol handler', () => {
  it('serves the renderer with the shared CSP, nosniff and the right types', async () => {
    const index = await get('app://xlir/index.html');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>XLIR Bench</title>');
    expect(index.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');

    expect(await (await get('app://xlir/')).text()).toContain('<title>XLIR Bench</title>');
    // Module scripts are refused by Chromium unless served with a JavaScript type.
    expect((await get('app://xlir/assets/index-1a2b.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://xlir/assets/index-1a2b.css?v=2#x')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://xlir/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://xlir/index.html', 'POST')).status).toBe(405);
  });

  it('never leaves the renderer folder, however the path is spelled', async () => {
    for (const url of [
      'app://xlir/../secret.txt',
      'app://xlir/..%2fsecret.txt',
      'app://xlir/assets/..%2f..%2fsecret.txt',
      'app://xlir/%2e%2e%5csecret.txt',
      'app://xlir/..%5c..%5csecret.txt',
      `app://xlir/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
      'app://xlir/assets/linked.txt',
      'app://xlir/index.html%00.js',
      'app://xlir/%E0%A4%A',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('do not serve');
    }
  });

  it('serves nothing for another host or scheme, and 404s missing files and folders', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('file:///index.html')).status).toBe(404);
    expect((await get('app://xlir/missing.js')).status).toBe(404);
    expect((await get('app://xlir/assets')).status).toBe(404);
    expect((await get('app://xlir/index.html/x')).status).toBe(404);
  });

  it('says to build first when the renderer is not built', async () => {
    const response = await serveAppRequest({ method: 'GET', url: 'app://xlir/index.html' }, path.join(base, 'not-built'));
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });
});
