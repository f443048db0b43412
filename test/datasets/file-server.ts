// A local HTTP server standing in for raw.githubusercontent.com: serves the files of a folder.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FileServer {
  baseUrl: string;
  /** Paths requested, in order. */
  requests: string[];
  close: () => Promise<void>;
}

/** Serves `{root}/{name}`; a name in `failWith` is answered with that HTTP status instead. */
export async function serveFolder(root: string, failWith: Record<string, number> = {}): Promise<FileServer> {
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    requests.push(name);
    if (failWith[name]) {
      res.writeHead(failWith[name]).end('failure for tests');
      return;
    }
    try {
      res.writeHead(200, { 'content-type': 'application/json' }).end(await readFile(path.join(root, path.basename(name))));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound once by us, then released. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
