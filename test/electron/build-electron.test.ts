import { existsSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, DEFAULT_OUTDIR, rewriteImportMetaUrl } from '../../build/build-electron.ts';
import electronBuilderConfig from '../../electron.config.ts';
import { repoRoot } from '../run/fixtures.ts';

// Inside the repo (test-output/ is ignored), so the bundles' external packages resolve from node_modules as in dist/.
const outdir = path.join(repoRoot, 'test-output', `electron-build-${process.pid}`);
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string; version: string; dependencies: Record<string, string> };

/** The module specifiers a bundle imports or requires. */
function importedSpecifiers(code: string): string[] {
  const found = [...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\brequire\(\s*"([^"]+)"\s*\)/gm)];
  return [...new Set(found.map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]))];
}

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

beforeAll(async () => {
  await buildElectron(outdir);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the Electron bundles', () => {
  it('preload.cjs is one CommonJS file that requires electron and nothing else', () => {
    const code = readFileSync(path.join(outdir, 'preload.cjs'), 'utf8');
    expect(importedSpecifiers(code)).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toContain('exposeInMainWorld("xlir"');
    // No schema or engine code rides along into the renderer process.
    expect(code).not.toMatch(/zod|onnxruntime|better-sqlite3/);
  });

  it('main.js and the worker import only Node built-ins, electron (main only) and production dependencies', () => {
    const allowed = (specifier: string) => builtinModules.includes(specifier.replace(/^node:/, '')) || Object.hasOwn(packageJson.dependencies, packageName(specifier));
    const main = importedSpecifiers(readFileSync(path.join(outdir, 'main.js'), 'utf8'));
    const worker = importedSpecifiers(readFileSync(path.join(outdir, 'benchmark-worker.js'), 'utf8'));
    expect(main).toContain('electron');
    expect(main.filter((s) => s !== 'electron' && !allowed(s))).toEqual([]);
    expect(worker.filter((s) => !allowed(s))).toEqual([]);
  });

  it('is what package.json and the packaging name as the app entry', () => {
    expect(path.join(repoRoot, packageJson.main)).toBe(path.join(DEFAULT_OUTDIR, 'main.js'));
    expect(electronBuilderConfig.extraMetadata.main).toBe(packageJson.main);
  });

  it("main.js finds the replicas' stand-in tokenizer beside replica-tokenizer.ts's source, in app.asar itself", () => {
    const code = readFileSync(path.join(outdir, 'main.js'), 'utf8');
    const [, name, source] = code.match(/var (__xlirSourceUrl\d*) = new URL\("([^"]*main\/engine\/replicas\/replica-tokenizer\.ts)", import\.meta\.url\)\.href;\n/) ?? [];
    expect(source).toBeDefined(); // no unpacked twin: the main process reads app.asar (electron.config.ts files)
    expect(code).toContain(`new URL("./stand-in-tokenizer/tokenizer.json", ${name})`);
    expect(existsSync(path.join(path.dirname(path.resolve(outdir, source)), 'stand-in-tokenizer', 'tokenizer.json'))).toBe(true);
    expect(electronBuilderConfig.files).toContain('main/engine/replicas/stand-in-tokenizer/**');
  });

  it('main.js starts the bundled worker, never a .ts source', () => {
    const code = readFileSync(path.join(outdir, 'main.js'), 'utf8');
    expect(code).toContain('new URL("./benchmark-worker.js", import.meta.url)');
    expect(code).not.toMatch(/benchmark-worker\.ts/);
  });
});

describe('import.meta.url in the bundle', () => {
  const outdirHere = path.join(repoRoot, 'dist/electron');
  const file = (relative: string) => path.join(repoRoot, relative);

  it('names the source file, and the unpacked twin of app.asar where native code opens neighbours', () => {
    const plain = rewriteImportMetaUrl("readFileSync(new URL('./x.proto', import.meta.url))", file('main/engine/roofline/onnx-model.ts'), outdirHere);
    expect(plain).toContain('const __xlirSourceUrl = new URL("../../main/engine/roofline/onnx-model.ts", import.meta.url).href;');
    expect(plain).toContain("new URL('./x.proto', __xlirSourceUrl)");
    const models = rewriteImportMetaUrl("new URL('../../../native-models/default/', import.meta.url)", file('main/engine/models/model-locations.ts'), outdirHere);
    expect(models).toContain(`.href.replace('/app.asar/', '/app.asar.unpacked/')`);
  });

  it('refuses a module started by URL that is not bundled, and import.meta.dirname', () => {
    expect(() => rewriteImportMetaUrl("new Worker(new URL('./other-worker.ts', import.meta.url))", file('main/engine/run/benchmark-job.ts'), outdirHere)).toThrow(/WORKER_ENTRIES/);
    expect(() => rewriteImportMetaUrl('path.join(import.meta.dirname, "x")', file('main/engine/run/x.ts'), outdirHere)).toThrow(/import\.meta\.dirname/);
  });
});
