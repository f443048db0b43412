/**
 * Packaging of the desktop app with electron-builder (`npm run dist`, build/dist.ts): AppImage and
 * deb on Linux, NSIS on Windows, dmg on macOS, from what `npm run build` wrote: dist/electron
 * (main process, benchmark worker, preload; build/build-electron.ts) and dist/renderer (the UI).
 * test/electron/packaging.test.ts validates it against electron-builder's schema and checks what
 * the archive holds.
 *
 * npmRebuild is off on purpose: onnxruntime-node and better-sqlite3 ship N-API binaries that load
 * in Electron as they are, and electron-builder's rebuild would compile them for the wrong ABI.
 */

import type { Configuration } from 'electron-builder';

const config = {
  appId: 'dev.xlir-bench.app',
  productName: 'XLIR Bench',
  directories: { output: 'out/packages', buildResources: 'build' },
  // Same entry as package.json "main"; written into the packaged package.json explicitly.
  extraMetadata: { main: 'dist/electron/main.js' },
  files: [
    'package.json',
    'dist/electron/**',
    'dist/renderer/**',
    // The bundled models (xlir-bridge-baseline/hybrid), found beside the sources by model-locations.
    'native-models/default/**',
    // XQuAD-R, brotli-compressed, with its licence and attribution (engine/datasets/bundled-data.ts).
    'data/**',
    // Read at load beside onnx-model.ts's source: the bundle keeps each module's own location.
    'main/engine/roofline/onnx-subset.proto',
    // The latency replicas' stand-in tokenizer with its provenance and licence, read beside
    // replica-tokenizer.ts's source in the same way (by the main process: from inside app.asar).
    'main/engine/replicas/stand-in-tokenizer/**',
    // Production dependencies only: electron-builder leaves devDependencies (electron, vite, …) out.
    'node_modules/**',
    // Sources and build inputs of native modules: the prebuilt binaries are what runs.
    '!node_modules/better-sqlite3/{deps,src}/**',
  ],
  asarUnpack: [
    // Native code cannot read inside app.asar: the N-API binaries, ONNX Runtime's shared libraries
    // (CUDA provider included, when installed), and the models ONNX Runtime opens by path
    // (build-electron.ts points model-locations at the unpacked twin). The data sits beside the
    // models, read by the benchmark worker thread from plain files too.
    '**/*.node',
    'node_modules/onnxruntime-node/**',
    'node_modules/better-sqlite3/**',
    'native-models/default/**',
    'data/**',
  ],
  npmRebuild: false,
  // Fuses (Electron's security checklist): the packaged binary cannot be turned into a plain Node
  // (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect) and loads only its own, integrity-checked archive.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    // The deb's Maintainer field (package.json names no author).
    maintainer: 'XLIR Bench contributors',
  },
  win: { target: ['nsis'] },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
} satisfies Configuration;

export default config;

/** How onnxruntime-node and better-sqlite3 name the operating systems of their prebuilt binaries. */
const NATIVE_PLATFORMS = ['linux', 'linuxmusl', 'darwin', 'win32'] as const;

/**
 * The configuration for packages of one operating system (build/dist.ts): the other systems'
 * native binaries are left out (ONNX Runtime's alone are 290 MB for all of them). A platform-level
 * `files` list cannot do this in electron-builder 26: one with only exclusions makes it add every
 * file of the project.
 */
export function configFor(platform: 'linux' | 'darwin' | 'win32'): typeof config {
  const others = NATIVE_PLATFORMS.filter((p) => p !== platform);
  return {
    ...config,
    files: [
      ...config.files,
      ...others.map((p) => `!node_modules/onnxruntime-node/bin/napi-v*/${p}/**`),
      ...others.map((p) => `!node_modules/better-sqlite3/prebuilds/${p}-*`),
    ],
  };
}
