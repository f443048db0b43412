import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MachineProfile } from '../engine/machine/machine-profile.ts';
import { unsafeCharacter } from './printable-text.ts';

/**
 * Fixed, public salt: the id is not reversible by a table of plain hashes of common host names,
 * and ids from other tools hashing the same facts never collide with ours. Changing it changes
 * every machine's id, so it never changes.
 */
const SALT = 'xlir-bench/machine-id/v1';

/**
 * A machine's id in the history: a salted SHA-256 of the facts that make it the same benchmark
 * machine, cut to 16 hex digits (64 bits: no collision among any plausible number of machines).
 *
 * In: host name, OS platform, architecture, CPU model, logical cores, memory in GiB (rounded,
 * as firmware reserves a little more or less from one kernel to the next). The host name is what
 * tells two identical laptops apart; it enters only hashed. Out: OS release, Node, onnxruntime
 * and driver versions (upgrades do not make a new machine), GPUs (a driver hiccup that hides
 * nvidia-smi must not either), CPU flags.
 */
export function machineId(profile: MachineProfile): string {
  const facts = {
    hostname: profile.hostname,
    platform: profile.os.platform,
    arch: profile.os.arch,
    cpu: profile.cpu.model,
    logicalCores: profile.cpu.logicalCores,
    memoryGiB: Math.round(profile.memoryBytes / 2 ** 30),
  };
  return createHash('sha256').update(SALT).update('\0').update(JSON.stringify(facts)).digest('hex').slice(0, 16);
}

/** The label a machine starts with, until the user sets one: its host name. */
export function defaultMachineLabel(profile: MachineProfile): string {
  return profile.hostname.trim() || `${profile.cpu.model}, ${profile.cpu.logicalCores} cores`;
}

/** A label the user gives a machine (or an imported report carries): one short line of printable text. */
export const MACHINE_LABEL_MAX = 120;

export const MachineLabelSchema = z
  .string()
  .trim()
  .min(1, 'a machine label cannot be empty')
  .max(MACHINE_LABEL_MAX, `a machine label has at most ${MACHINE_LABEL_MAX} characters`)
  .refine((s) => unsafeCharacter(s, false) === undefined, 'a machine label cannot contain control characters, nor invisible or reordering marks (zero-width, bidirectional)');
