import { z } from 'zod';
import { XlirError } from '../engine/errors.ts';
import { MachineProfileSchema, type MachineProfile } from '../engine/machine/machine-profile.ts';
import { MACHINE_LABEL_MAX, MachineLabelSchema, defaultMachineLabel, machineId } from './machine-identity.ts';
import type { HistoryDb } from './open-history.ts';

export const MachineListingSchema = z.object({
  id: z.string(),
  label: z.string(),
  firstSeen: z.string(),
  runs: z.number().int(),
  lastRunAt: z.string().nullable(),
  profile: MachineProfileSchema,
});
export type MachineListing = z.infer<typeof MachineListingSchema>;

/**
 * Registers the machine a run was made on and returns its id. A run recorded here brings this
 * machine's latest profile (software upgrades, GPU driver); an imported run never changes a
 * machine already known — a report with the same host name and hardware as this machine must not
 * rewrite what this machine recorded about itself. `label` names a machine new to this history
 * (an imported report carries its label); a known machine keeps the label the user gave it.
 */
export function upsertMachine(db: HistoryDb, profile: MachineProfile, origin: 'local' | 'imported', label?: string): string {
  const id = machineId(profile);
  const known = db.prepare('SELECT 1 FROM machines WHERE id = ?').get(id);
  if (known) {
    if (origin === 'local') db.prepare('UPDATE machines SET profile_json = ? WHERE id = ?').run(JSON.stringify(profile), id);
  } else {
    const parsedLabel = label === undefined ? undefined : MachineLabelSchema.safeParse(label);
    db.prepare('INSERT INTO machines (id, label, profile_json, first_seen) VALUES (?, ?, ?, ?)').run(
      id,
      parsedLabel?.success ? parsedLabel.data : defaultMachineLabel(profile).slice(0, MACHINE_LABEL_MAX),
      JSON.stringify(profile),
      new Date().toISOString(),
    );
  }
  return id;
}

export function listMachines(db: HistoryDb): MachineListing[] {
  const rows = db
    .prepare(
      `SELECT m.id, m.label, m.first_seen, m.profile_json, count(r.id) AS runs, max(r.started_at) AS last_run
       FROM machines m LEFT JOIN runs r ON r.machine_id = m.id
       GROUP BY m.id ORDER BY last_run DESC, m.first_seen DESC`,
    )
    .all() as { id: string; label: string; first_seen: string; profile_json: string; runs: number; last_run: string | null }[];
  return rows.map((r) => ({ id: r.id, label: r.label, firstSeen: r.first_seen, runs: r.runs, lastRunAt: r.last_run, profile: JSON.parse(r.profile_json) as MachineProfile }));
}

/** A machine by its id, a unique prefix of it (4+ characters), or its exact label. */
export function resolveMachine(db: HistoryDb, ref: string): { id: string; label: string } {
  const rows = db
    .prepare("SELECT id, label FROM machines WHERE label = @ref COLLATE NOCASE OR (length(@ref) >= 4 AND id GLOB @prefix)")
    .all({ ref: ref.trim(), prefix: /^[0-9a-f]+$/i.test(ref.trim()) ? `${ref.trim().toLowerCase()}*` : '' }) as { id: string; label: string }[];
  if (rows.length === 1) return rows[0];
  if (rows.length === 0) throw new XlirError('MACHINE_NOT_FOUND', `No machine "${ref}" in the history: give its id (or 4+ leading characters) or its label; "xlir machines" lists them.`);
  throw new XlirError('MACHINE_AMBIGUOUS', `"${ref}" matches ${rows.length} machines (${rows.map((r) => `${r.id} ${r.label}`).join('; ')}): give more of the id.`);
}

export function setMachineLabel(db: HistoryDb, ref: string, label: string): { id: string; label: string } {
  const parsed = MachineLabelSchema.safeParse(label);
  if (!parsed.success) throw new XlirError('MACHINE_LABEL_INVALID', `Label "${label}": ${parsed.error.issues[0].message}.`);
  const { id } = resolveMachine(db, ref);
  db.prepare('UPDATE machines SET label = ? WHERE id = ?').run(parsed.data, id);
  return { id, label: parsed.data };
}
