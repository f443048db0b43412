import { describe, expect, it } from 'vitest';
import { machineId } from '../../main/store/machine-identity.ts';
import { listMachines, resolveMachine, setMachineLabel, upsertMachine } from '../../main/store/machines.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { syntheticMachine } from './synthetic-result.ts';
import { tempHistoryFile } from './temp-history.ts';

describe('machine identity', () => {
  const base = syntheticMachine();

  it('is a salted hash that neither software upgrades nor GPU detection change', () => {
    const id = machineId(base);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(id).not.toContain(Buffer.from('bench-host').toString('hex'));
    expect(machineId({ ...base, os: { ...base.os, release: '6.9.0' }, software: { node: '26.0.0', onnxruntime: '1.31.0', v8: '14' } })).toBe(id);
    expect(machineId({ ...base, gpus: [{ name: 'RTX', memoryMiB: 8192, driver: '550', smClockMHz: null, memClockMHz: null }] })).toBe(id);
    // Firmware reserving a few MiB more after a kernel update is the same machine.
    expect(machineId({ ...base, memoryBytes: base.memoryBytes - 50 * 2 ** 20 })).toBe(id);
  });

  it('tells apart two identical machines by host name, and different hardware', () => {
    const id = machineId(base);
    expect(machineId({ ...base, hostname: 'other-host' })).not.toBe(id);
    expect(machineId({ ...base, cpu: { ...base.cpu, logicalCores: 16 } })).not.toBe(id);
    expect(machineId({ ...base, memoryBytes: 32 * 2 ** 30 })).not.toBe(id);
    expect(machineId({ ...base, os: { ...base.os, arch: 'arm64' } })).not.toBe(id);
  });
});

describe('machines in the history', () => {
  it('start labelled by host name, keep a label the user gave, and are found by id prefix or label', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const id = upsertMachine(history.db, base(), 'local');
    expect(listMachines(history.db)).toMatchObject([{ id, label: 'bench-host', runs: 0 }]);
    expect(setMachineLabel(history.db, id.slice(0, 5), '  Lab desktop (RTX)  ')).toEqual({ id, label: 'Lab desktop (RTX)' });
    // A later run (or an import carrying another label) does not rename it.
    upsertMachine(history.db, base(), 'imported', 'imported label');
    expect(resolveMachine(history.db, 'lab desktop (rtx)')).toEqual({ id, label: 'Lab desktop (RTX)' });
    expect(() => setMachineLabel(history.db, id, 'bad\u001b[31m')).toThrow(/control characters/);
    for (const mark of ['\u200f', '\u061c', '\u2028', '\ufeff', '\u202e']) expect(() => setMachineLabel(history.db, id, `Lab${mark}top`)).toThrow(/invisible or reordering/);
    expect(() => setMachineLabel(history.db, id, ' ')).toThrow(/cannot be empty/);
    expect(() => resolveMachine(history.db, 'nope')).toThrow(/No machine "nope"/);
    const other = upsertMachine(history.db, base({ hostname: 'b' }), 'imported', 'Colleague laptop');
    expect(resolveMachine(history.db, 'colleague laptop').id).toBe(other);
    history.close();
  });
});

function base(overrides = {}) {
  return syntheticMachine(overrides);
}
