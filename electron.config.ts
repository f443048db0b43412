/**
 * Packaging of the desktop app with electron-builder (AppImage and deb on Linux, NSIS on Windows,
 * dmg on macOS). The desktop shell itself (main/electron, renderer/) is being built; the engine
 * and CLI under main/ run without it.
 *
 * npmRebuild is off on purpose: onnxruntime-node and better-sqlite3 ship N-API binaries that load
 * in Electron as they are, and electron-builder's rebuild would compile them for the wrong ABI.
 */
const config = {
  appId: 'dev.xlir-bench.app',
  productName: 'XLIR Bench',
  directories: { output: 'out/packages', buildResources: 'build' },
  files: ['main/**', 'native-models/default/**', 'out/renderer/**', 'package.json', '!**/*.test.ts'],
  asarUnpack: ['node_modules/onnxruntime-node/**', 'node_modules/better-sqlite3/**'],
  npmRebuild: false,
  linux: { target: ['AppImage', 'deb'], category: 'Development' },
  win: { target: ['nsis'] },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
};

export default config;
