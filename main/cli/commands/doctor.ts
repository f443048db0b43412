import { captureMachineProfile } from '../../engine/machine/machine-profile.ts';
import { detectProviders } from '../../engine/models/execution-providers.ts';
import { parseFlags } from '../usage.ts';

export async function runDoctorCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { json: { type: 'boolean' } });
  const [machine, providers] = await Promise.all([captureMachineProfile(), detectProviders()]);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ machine, providers }, null, 2)}\n`);
    return 0;
  }
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const lines = [
    `CPU        ${machine.cpu.model}: ${machine.cpu.logicalCores} logical cores${machine.cpu.physicalCores ? `, ${machine.cpu.physicalCores} physical` : ''}`,
    `CPU flags  ${machine.cpu.flags.join(' ') || '(not readable on this OS)'}`,
    `Memory     ${gib(machine.memoryBytes)}`,
    `OS         ${machine.os.platform} ${machine.os.release} (${machine.os.arch})`,
    `GPU        ${machine.gpus.length > 0 ? machine.gpus.map((g) => `${g.name}${g.memoryMiB ? `, ${g.memoryMiB} MiB` : ''}${g.driver ? `, driver ${g.driver}` : ''}`).join('; ') : (machine.gpuNote ?? 'none')}`,
    `Software   Node ${machine.software.node}, onnxruntime-node ${machine.software.onnxruntime}`,
    '',
    'Execution providers',
    ...providers.providers.map((p) => `  ${p.provider.padEnd(5)} ${p.ready ? 'ready    ' : 'not ready'}  ${p.detail}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
