import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InferenceSession, listSupportedBackends } from 'onnxruntime-node';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { detectGpus, onnxRuntimeVersion, type Gpu } from '../machine/machine-profile.ts';
import type { ExecutionProvider } from './encoder.ts';

export const ExecutionProviderSchema = z.enum(['cpu', 'cuda']) satisfies z.ZodType<ExecutionProvider>;

/** Our provider names → onnxruntime-node's `executionProviders` names. */
const ORT_PROVIDER_NAMES: Record<ExecutionProvider, string> = { cpu: 'cpu', cuda: 'cuda' };

/** Session settings that change speed, never results. */
export interface SessionSettings {
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Turns ONNX Runtime's profiler on: it writes `<prefix>_<time>.json` when profiling ends. Never for a timed session. */
  profileFilePrefix?: string;
  /**
   * Whether the intra-op pool's threads spin (busy-wait) for work between operators; ONNX
   * Runtime's default is yes. Spinning threads of an idle session burn a core another session
   * could use (latency/VERDICT.md, "A/A bias").
   */
  allowSpinning?: boolean;
}

/**
 * onnxruntime-node ships the CPU provider; the CUDA provider is an add-on its install script
 * downloads (`npm run install:cuda`) into the package's native folder, next to the binding.
 */
export function cudaAddOn(): { dir: string; installed: boolean; missing: string[] } {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  const dir = path.join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  const files =
    process.platform === 'win32'
      ? ['onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll']
      : ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
  const missing = files.filter((file) => !existsSync(path.join(dir, file)));
  return { dir, installed: missing.length === 0, missing };
}

export interface ProviderReport {
  onnxruntime: string;
  /** What this onnxruntime-node build knows of; `bundled: false` means an add-on must be installed. */
  backends: { name: string; bundled: boolean }[];
  cudaAddOn: ReturnType<typeof cudaAddOn>;
  gpus: Gpu[];
  gpuNote?: string;
  /** Per provider: whether it should work here, and why (not) — a session creation is the final word. */
  providers: { provider: ExecutionProvider; ready: boolean; detail: string }[];
}

/** For `xlir doctor`: which providers the installed onnxruntime-node can offer on this machine. */
export async function detectProviders(): Promise<ProviderReport> {
  const addOn = cudaAddOn();
  const { gpus, note } = await detectGpus();
  const cudaProblems = cudaProblemsFrom(addOn, gpus, note);
  return {
    onnxruntime: onnxRuntimeVersion(),
    backends: listSupportedBackends().map(({ name, bundled }) => ({ name, bundled })),
    cudaAddOn: addOn,
    gpus,
    ...(note ? { gpuNote: note } : {}),
    providers: [
      { provider: 'cpu', ready: true, detail: 'bundled with onnxruntime-node' },
      {
        provider: 'cuda',
        ready: cudaProblems.length === 0,
        detail: cudaProblems.length
          ? cudaProblems.join('; ')
          : `add-on installed, ${gpus.length} GPU(s): ${gpus.map((g) => g.name).join(', ')}; also needs the CUDA 12 and cuDNN 9 libraries on the library path`,
      },
    ],
  };
}

function cudaProblemsFrom(addOn: ReturnType<typeof cudaAddOn>, gpus: Gpu[], gpuNote: string | undefined): string[] {
  const problems: string[] = [];
  if (!addOn.installed) {
    problems.push(`the CUDA add-on of onnxruntime-node is not installed (${addOn.missing.join(', ')} missing in ${addOn.dir}); \`npm run install:cuda\` downloads it`);
  }
  if (gpus.length === 0) problems.push(`no NVIDIA GPU/driver found (${gpuNote ?? 'nvidia-smi lists no GPU'})`);
  return problems;
}

async function explainCudaFailure(ortMessage: string): Promise<string> {
  const { gpus, note } = await detectGpus();
  const problems = cudaProblemsFrom(cudaAddOn(), gpus, note);
  if (problems.length === 0) problems.push('the add-on and a GPU are present, so the CUDA 12 runtime or cuDNN 9 libraries are probably not on the library path (LD_LIBRARY_PATH)');
  return `CUDA is unavailable: ${problems.join('; ')}. ONNX Runtime said: "${ortMessage}".`;
}

// ORT reports an unreadable graph as "Load model from <file> failed: ..." whatever the provider.
function isModelLoadFailure(message: string): boolean {
  return /Load model from .* failed|Protobuf parsing failed|ONNX format/i.test(message);
}

/** A model file, or a graph built in memory (the roofline's MatMul graphs) with a name for messages. */
export type ModelSource = string | { bytes: Uint8Array; name: string };

export interface CreatedSession {
  session: InferenceSession;
  /** The provider the session runs on. */
  provider: ExecutionProvider;
  fallbackReason?: string;
}

/**
 * Creates a session on the first provider of `preferences` that works. ONNX Runtime itself never
 * falls back (asking for CUDA without it throws), so each provider is tried in turn; a later one
 * runs only if the caller listed it. The CPU provider always exists, so a CPU failure is the model's.
 */
export async function createSession(
  model: ModelSource,
  preferences: readonly ExecutionProvider[],
  settings: SessionSettings,
  onWarning?: (message: string) => void,
): Promise<CreatedSession> {
  const modelFile = typeof model === 'string' ? model : model.name;
  const failures: string[] = [];
  for (const provider of preferences) {
    try {
      const options: InferenceSession.SessionOptions = {
        executionProviders: [ORT_PROVIDER_NAMES[provider]],
        ...(settings.intraOpThreads !== undefined ? { intraOpNumThreads: settings.intraOpThreads } : {}),
        ...(settings.interOpThreads !== undefined ? { interOpNumThreads: settings.interOpThreads } : {}),
        ...(settings.graphOptimizationLevel !== undefined ? { graphOptimizationLevel: settings.graphOptimizationLevel } : {}),
        ...(settings.profileFilePrefix !== undefined ? { enableProfiling: true, profileFilePrefix: settings.profileFilePrefix } : {}),
        // Session config entries (onnxruntime_session_options_config_keys.h): nested keys join with '.'.
        ...(settings.allowSpinning !== undefined ? { extra: { session: { intra_op: { allow_spinning: settings.allowSpinning ? '1' : '0' } } } } : {}),
      };
      const session = typeof model === 'string' ? await InferenceSession.create(model, options) : await InferenceSession.create(model.bytes, options);
      if (failures.length === 0) return { session, provider };
      const fallbackReason = failures.join(' ');
      onWarning?.(`Running ${path.basename(modelFile)} on ${provider} instead: ${fallbackReason}`);
      return { session, provider, fallbackReason };
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).trim();
      if (provider === 'cpu' || isModelLoadFailure(message)) {
        throw new XlirError(
          'MODEL_INVALID',
          `${modelFile} is not a model ONNX Runtime can load: ${message}. Re-export or re-download the model folder.`,
          { cause: err },
        );
      }
      failures.push(await explainCudaFailure(message));
    }
  }
  throw new XlirError(
    'PROVIDER_UNAVAILABLE',
    `No execution provider of [${preferences.join(', ')}] could run ${modelFile}. ${failures.join(' ')} ` +
      'Ask for cpu, or list cpu after cuda to fall back to it.',
  );
}
