import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calibratedPracticalThreshold, CalibrationRecordSchema, currentMachineKey, type CalibrationRecord } from '../engine/calibration/noise-floor.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import { issueLines } from '../engine/schema-issues.ts';

/** This machine's latest noise floor (`xlir calibrate`), kept in XLIR_HOME next to the history. */
export const CALIBRATION_FILE_NAME = 'calibration.json';

export function calibrationFile(home: string): string {
  return path.join(home, CALIBRATION_FILE_NAME);
}

export function saveCalibration(home: string, record: CalibrationRecord): string {
  const file = calibrationFile(home);
  mkdirSync(home, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(CalibrationRecordSchema.parse(record), null, 2)}\n`);
  renameSync(temporary, file);
  return file;
}

/** The saved calibration; null when there is none. A damaged file is reported through `warn` and ignored. */
export function loadCalibration(home: string, warn: (message: string) => void): CalibrationRecord | null {
  const file = calibrationFile(home);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    warn(`${file} cannot be read (${(err as Error).message}): runs use the default practical threshold; run xlir calibrate again.`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = CalibrationRecordSchema.safeParse(json);
  if (!parsed.success) {
    warn(`${file} is not a calibration this version understands (${json === undefined ? 'not JSON' : issueLines(parsed.error, '').join('; ')}): runs use the default practical threshold; run xlir calibrate again.`);
    return null;
  }
  return parsed.data;
}

/**
 * `config` with the practical threshold this machine's saved calibration calls for (see
 * `calibratedPracticalThreshold`); unchanged where there is none, it does not apply, or the
 * configuration sets its own.
 */
export function applySavedCalibration(config: RunConfig, home: string, warn: (message: string) => void): RunConfig {
  if (config.practicalThreshold || config.models.length < 2) return config;
  const record = loadCalibration(home, warn);
  const threshold =
    record &&
    calibratedPracticalThreshold(record, {
      machine: currentMachineKey(),
      scenario: config.scenario,
      intraOpThreads: config.provider.intraOpThreads ?? null,
      modelCount: config.models.length,
    });
  return threshold ? { ...config, practicalThreshold: threshold } : config;
}
