// Packaging with electron-builder, as far as it can be checked without Electron's binary: the
// configuration against electron-builder's own schema, and what an unpacked package holds
// (built with a stand-in Electron folder: the app's files do not depend on the binary).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, Platform } from 'electron-builder';
import { explainPackagingFailure } from '../../build/dist.ts';
import config, { configFor } from '../../electron.config.ts';
import { repoRoot } from '../run/fixtures.ts';

// electron-builder's configuration check, from the app-builder-lib it depends on.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as { validateConfiguration: (c: unknown, log: { isEnabled: boolean }) => Promise<void> };
const { listPackage } = fromBuilder('@electron/asar') as { listPackage: (archive: string, options: { isPack: boolean }) => string[] };
const electronVersion = (JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("electron/package.json"))'], { cwd: repoRoot, encoding: 'utf8' })) as { version: string }).version;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'xlir-packaging-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('electron.config.ts', () => {
  it("passes electron-builder's validation, for every system's packages; a mistake does not", async () => {
    const quiet = { isEnabled: false };
    for (const platform of ['linux', 'darwin', 'win32'] as const) await expect(validateConfiguration(configFor(platform), quiet)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, targets: ['AppImage'] } }, quiet)).rejects.toThrow(/Invalid configuration object.*configuration\.linux/s);
  });

  it('names AppImage and deb for Linux, NSIS for Windows, dmg for macOS, and keeps native code and models out of the archive', () => {
    expect([config.linux.target, config.win.target, config.mac.target]).toEqual([['AppImage', 'deb'], ['nsis'], ['dmg']]);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/onnxruntime-node/**', 'node_modules/better-sqlite3/**', 'native-models/default/**', 'data/**']));
    expect(config.npmRebuild).toBe(false);
  });
});

describe('a Linux package', () => {
  let archive: string[];
  let unpacked: string[];
  beforeAll(async () => {
    if (!['dist/electron/main.js', 'dist/renderer/index.html'].every((f) => existsSync(path.join(repoRoot, f)))) {
      execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
    }
    const electronDist = path.join(tmp, 'electron');
    mkdirSync(electronDist);
    writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n');
    chmodSync(path.join(electronDist, 'electron'), 0o755);
    // Fuses are written into the Electron binary, which the stand-in is not.
    const { electronFuses: _fuses, ...linux } = configFor('linux');
    const output = path.join(tmp, 'out');
    await build({ projectDir: repoRoot, targets: Platform.LINUX.createTarget('dir'), config: { ...linux, electronDist, electronVersion, directories: { ...linux.directories, output } } });
    const resources = path.join(output, 'linux-unpacked', 'resources');
    archive = listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) => f.replace(/^[/\\]/, '').split(path.sep).join('/'));
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? walk(path.join(dir, name)) : [path.join(dir, name)]));
    unpacked = walk(path.join(resources, 'app.asar.unpacked')).map((f) => path.relative(path.join(resources, 'app.asar.unpacked'), f).split(path.sep).join('/'));
  }, 240_000);

  it('holds the built app, the bundled models, the replicas’ stand-in tokenizer and XQuAD-R, unpacked where native code or the worker opens them', () => {
    for (const file of ['package.json', 'dist/electron/main.js', 'dist/electron/benchmark-worker.js', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'main/engine/roofline/onnx-subset.proto']) expect(archive).toContain(file);
    for (const file of ['tokenizer.json', 'README.md']) expect(archive).toContain(`main/engine/replicas/stand-in-tokenizer/${file}`);
    for (const name of ['xlir-bridge-baseline', 'xlir-bridge-hybrid']) {
      for (const file of ['model.onnx', 'tokenizer.json', 'manifest.json']) expect(unpacked).toContain(`native-models/default/${name}/${file}`);
    }
    for (const lang of ['ar', 'en', 'zh']) expect(unpacked).toContain(`data/xquad-r/${lang}.json.br`);
    expect(unpacked).toEqual(expect.arrayContaining(['data/xquad-r/LICENSE', 'data/xquad-r/README.md', 'node_modules/better-sqlite3/prebuilds/linux-x64.node', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node']));
  });

  it('holds no tests, caches, sources of other layers, development packages or other systems’ binaries', () => {
    const all = [...archive, ...unpacked];
    // The archive lists folders too: only files (a name with an extension) can offend.
    const offending = all.filter((f) =>
      /^(test|test-output|test-results|bench|build|renderer|\.cache|\.ci|out)\//.test(f) ||
      /^native-models\/(?!default\/).*\.\w+$/.test(f) ||
      /^main\/(?!engine\/roofline\/onnx-subset\.proto$|engine\/replicas\/stand-in-tokenizer\/(tokenizer\.json|README\.md)$).*\.\w+$/.test(f) ||
      /^node_modules\/(electron|electron-builder|vitest|vite|typescript|@playwright|svelte|esbuild)\//.test(f) ||
      /(darwin|win32|linuxmusl)[^/]*\.node$|onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)\//.test(f) ||
      /__pycache__|\.pyc$/.test(f),
    );
    expect(offending).toEqual([]);
  });
});

describe('npm run dist without network', () => {
  it("exits 1 with a message that says Electron's binary could not be downloaded and what to do", async () => {
    // A port nothing listens on stands in for GitHub's release server (@electron/get reads ELECTRON_MIRROR).
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const home = path.join(tmp, 'home');
    mkdirSync(home);
    const { ELECTRON_OVERRIDE_DIST_PATH: _override, ...env } = process.env;
    const dist = spawnSync(process.execPath, ['build/dist.ts'], {
      cwd: repoRoot,
      env: { ...env, HOME: home, ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, ELECTRON_CACHE: path.join(tmp, 'electron-cache') },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(dist.status).toBe(1);
    // Where the Electron binary is installed (node_modules/electron/dist), dist packages that copy and fails later, on the tools.
    expect(dist.stderr).toMatch(
      existsSync(path.join(repoRoot, 'node_modules/electron/path.txt'))
        ? /could not download its packaging tools/
        : new RegExp(`Electron's binary \\(electron-v${electronVersion.replaceAll('.', '\\.')}-linux-x64\\.zip\\) is not installed and could not be downloaded \\(.*ECONNREFUSED[^]*node node_modules/electron/install\\.js`),
    );
  }, 300_000);

  it('tells a failed download of the packaging tools, and any other failure, apart', () => {
    const context = { electronVersion, platform: 'linux', arch: 'x64', electronInstalled: true };
    expect(explainPackagingFailure(new Error('getaddrinfo ENOTFOUND github.com'), context)).toMatch(/could not download its packaging tools/);
    expect(explainPackagingFailure(new Error('disk full'), context)).toBe('npm run dist: electron-builder failed: disk full');
  });
});
