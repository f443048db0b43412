// npm run install:cuda: the opt-in download of onnxruntime-node's CUDA provider (Linux x64; large,
// from NuGet, outside the npm registry, so `npm install` never fetches it: see .npmrc).
//
// It runs the package's own install script with `--onnxruntime-node-install` (force). Its
// `--onnxruntime-node-install=cuda12` form cannot be used: onnxruntime-node 1.30's flag parser
// returns nothing for it, and under npm the script then takes itself for a local install and
// exits 0 having done nothing.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cudaAddOn } from '../main/engine/models/execution-providers.ts';

const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|fetch failed|socket hang up/i;

function main(): number {
  if (`${process.platform}/${process.arch}` !== 'linux/x64') {
    console.error(`npm run install:cuda: onnxruntime-node's CUDA provider is a download for Linux x64 only (this is ${process.platform}/${process.arch}); the CPU provider is bundled.`);
    return 1;
  }
  if (cudaAddOn().installed) {
    console.log(`The CUDA add-on is installed already (${cudaAddOn().dir}); \`xlir doctor\` says whether CUDA can run here.`);
    return 0;
  }
  const script = createRequire(import.meta.url).resolve('onnxruntime-node/script/install.js');
  // Variables that would make the script skip or pick another version are the user's to set for a
  // plain `node …/install.js`, not here.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ONNXRUNTIME_NODE_INSTALL|npm_config_onnxruntime_node_install)/i.test(key)));
  console.log('Downloading the CUDA 12 provider of onnxruntime-node from api.nuget.org (several hundred MB)…');
  const run = spawnSync(process.execPath, [script, '--onnxruntime-node-install'], { env, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const addOn = cudaAddOn();
  if (run.status === 0 && addOn.installed) {
    console.log(`Installed in ${addOn.dir}. \`xlir doctor\` says whether CUDA can run here (it also needs the CUDA 12 and cuDNN 9 libraries and an NVIDIA driver).`);
    return 0;
  }
  const detail = (run.stderr ?? '').split('\n').find((line) => /Error|error/.test(line))?.trim() ?? `exit code ${run.status}`;
  if (NETWORK_FAILURE.test(run.stderr ?? '')) {
    console.error(`npm run install:cuda: the CUDA add-on could not be downloaded (${detail}): it comes from api.nuget.org, outside the npm registry, and needs internet access. Nothing was installed; the CPU provider works without it.`);
  } else {
    console.error(`npm run install:cuda: onnxruntime-node's install script failed (${detail}); ${addOn.missing.join(', ')} still missing in ${addOn.dir}.\n${run.stderr ?? ''}`);
  }
  return 1;
}

process.exitCode = main();
