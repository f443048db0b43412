// Bundles the desktop app's main process, benchmark worker and preload into dist/electron (npm run build:electron).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUTDIR = path.join(ROOT, 'dist/electron');

/**
 * Modules started by URL (`new Worker(new URL('./x.ts', import.meta.url))`), bundled as entries of
 * their own: in the bundle the URL names the bundled file beside main.js instead.
 */
const WORKER_ENTRIES: Readonly<Record<string, string>> = {
  'benchmark-worker': 'main/engine/run/benchmark-worker.ts',
};

/**
 * Modules whose neighbouring files are opened by path where app.asar cannot be read: ONNX Runtime
 * opens the bundled models, the benchmark worker thread reads the bundled data. electron-builder
 * unpacks both (asarUnpack in electron.config.ts) and these modules look in the unpacked twin.
 */
const UNPACKED_NEIGHBOURS = new Set(['main/engine/models/model-locations.ts', 'main/engine/datasets/bundled-data.ts']);

/** The Electron shell runs only bundled: its import.meta.url is the bundle's, naming files in dist/. */
const SHELL_DIR = path.join(ROOT, 'main/electron') + path.sep;
const MAIN_DIR = path.join(ROOT, 'main') + path.sep;

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * Modules under main/ also run unbundled (the CLI, `xlir serve`), where `import.meta.url` names
 * their own source file and files beside it (the ONNX proto, package.json, native-models) are
 * found relative to it. In the bundle each such module's `import.meta.url` still names its source
 * file, so those lookups resolve exactly as before, from dist/electron as from main/.
 */
export function rewriteImportMetaUrl(source: string, file: string, outdir: string): string {
  if (/import\.meta\.(dirname|filename)\b/.test(source)) {
    throw new Error(`${toPosix(path.relative(ROOT, file))} uses import.meta.dirname/filename, which the Electron bundle does not map back to the source: use new URL(…, import.meta.url).`);
  }
  const fromRoot = toPosix(path.relative(ROOT, file));
  const sourceUrl = `new URL(${JSON.stringify(toPosix(path.relative(outdir, file)))}, import.meta.url).href`;
  const declaration = UNPACKED_NEIGHBOURS.has(fromRoot) ? `${sourceUrl}.replace('/app.asar/', '/app.asar.unpacked/')` : sourceUrl;
  const workers = new Map(Object.entries(WORKER_ENTRIES).map(([name, entry]) => [path.join(ROOT, entry), name]));
  const rewritten = source.replaceAll('import.meta.url', '__xlirSourceUrl').replace(/new URL\((['"])([^'"]+\.ts)\1,\s*__xlirSourceUrl\)/g, (_match, _quote, relative: string) => {
    const worker = workers.get(path.resolve(path.dirname(file), relative));
    if (worker === undefined) throw new Error(`${fromRoot} starts ${relative} by URL, which the Electron bundle does not contain: add it to WORKER_ENTRIES in build/build-electron.ts.`);
    return `new URL(${JSON.stringify(`./${worker}.js`)}, import.meta.url)`;
  });
  return `const __xlirSourceUrl = ${declaration};\n${rewritten}`;
}

function sourceLocationPlugin(outdir: string): Plugin {
  return {
    name: 'xlir-source-location',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(MAIN_DIR) || args.path.startsWith(SHELL_DIR)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        return { contents: rewriteImportMetaUrl(source, args.path, outdir), loader: 'ts' };
      });
    },
  };
}

const COMMON = { absWorkingDir: ROOT, bundle: true, logLevel: 'warning', legalComments: 'none' } as const;

/**
 * Bundles main-process modules (entry name → source under the repo) as main.js is bundled: ESM
 * (package.json says "type": "module"; Electron loads an ESM main), every npm package left
 * external (native modules must load from node_modules, and the packaged app ships its
 * production dependencies), import.meta.url mapped back to the sources.
 */
async function bundleNodeSide(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await build({ ...COMMON, outdir, entryPoints, platform: 'node', format: 'esm', target: 'node22', packages: 'external', plugins: [sourceLocationPlugin(outdir)] });
}

/**
 * dist/electron: main.js and benchmark-worker.js (bundleNodeSide), and preload.cjs, one CommonJS
 * file requiring only 'electron', because a sandboxed preload can load no modules and no ESM.
 */
export async function buildElectron(outdir: string = DEFAULT_OUTDIR): Promise<string[]> {
  await rm(outdir, { recursive: true, force: true });
  await Promise.all([
    bundleNodeSide({ main: 'main/electron/main.ts', ...WORKER_ENTRIES }, outdir),
    build({
      ...COMMON,
      outdir,
      entryPoints: { preload: 'main/electron/preload.ts' },
      // The browser platform refuses Node built-ins: anything but 'electron' fails the build here.
      platform: 'browser',
      format: 'cjs',
      target: 'es2023',
      external: ['electron'],
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  return ['main.js', ...Object.keys(WORKER_ENTRIES).map((name) => `${name}.js`), 'preload.cjs'].map((name) => path.join(outdir, name));
}

if (import.meta.main) {
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUTDIR;
  for (const file of await buildElectron(outdir)) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
