import { randomUUID } from 'node:crypto';
import type { SweepResult } from '../engine/sweep/run-sweep.ts';
import { upsertMachine } from './machines.ts';
import type { HistoryDb } from './open-history.ts';

/**
 * Sweeps kept in the history: each under the machine it ran on, so the roofline plot of a run can
 * show the batch size × token count grids measured for the same model on the same machine.
 */
export interface StoredSweep {
  id: string;
  machine: { id: string; label: string };
  result: SweepResult;
}

/** Stores a finished (or cancelled) sweep; returns its id. */
export function storeSweep(db: HistoryDb, result: SweepResult): string {
  const id = randomUUID();
  db.transaction(() => {
    const machineId = upsertMachine(db, result.machine, 'local');
    db.prepare('INSERT INTO sweeps (id, machine_id, started_at, model, model_sha256, result_json) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      machineId,
      result.startedAt,
      result.model.name,
      result.model.sha256 ?? null,
      JSON.stringify(result),
    );
  }).immediate();
  return id;
}

export interface SweepFilter {
  machineId?: string;
  /** Model names: sweeps of any of them. */
  models?: readonly string[];
  limit?: number;
}

/** Stored sweeps, newest first. */
export function listSweeps(db: HistoryDb, filter: SweepFilter = {}): StoredSweep[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.machineId !== undefined) {
    where.push('s.machine_id = ?');
    params.push(filter.machineId);
  }
  if (filter.models !== undefined) {
    if (filter.models.length === 0) return [];
    where.push(`s.model IN (${filter.models.map(() => '?').join(', ')})`);
    params.push(...filter.models);
  }
  const rows = db
    .prepare(
      `SELECT s.id, s.machine_id, m.label, s.result_json FROM sweeps s JOIN machines m ON m.id = s.machine_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.started_at DESC LIMIT ?`,
    )
    .all(...params, filter.limit ?? 100) as { id: string; machine_id: string; label: string; result_json: string }[];
  return rows.map((r) => ({ id: r.id, machine: { id: r.machine_id, label: r.label }, result: JSON.parse(r.result_json) as SweepResult }));
}
