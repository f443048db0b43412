/**
 * Packaging of the desktop app with electron-builder (AppImage and deb on Linux, NSIS on Windows,
 * dmg on macOS), from what `npm run build` wrote: dist/electron (main process, benchmark worker,
 * preload; build/build-electron.ts) and dist/renderer (the UI).
 *
 * npmRebuild is off on purpose: onnxruntime-node and better-sqlite3 ship N-API binaries that load
 * in Electron as they are, and electron-builder's rebuild would compile them for the wrong ABI.
 */
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
    // The bundled models (xlir-mini-baseline/hybrid), found beside the sources by model-locations.
    'native-models/default/**',
    // Read at load beside onnx-model.ts's source: the bundle keeps each module's own location.
    'main/engine/roofline/onnx-subset.proto',
    // Production dependencies only: electron-builder leaves devDependencies (electron, vite, …) out.
    'node_modules/**',
  ],
  asarUnpack: [
    // Native code cannot read inside app.asar: the N-API binaries, ONNX Runtime's shared libraries
    // (CUDA provider included, when installed), and the models ONNX Runtime opens by path
    // (build-electron.ts points model-locations at the unpacked twin).
    '**/*.node',
    'node_modules/onnxruntime-node/**',
    'node_modules/better-sqlite3/**',
    'native-models/default/**',
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
  linux: { target: ['AppImage', 'deb'], category: 'Development' },
  win: { target: ['nsis'] },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
};

export default config;
