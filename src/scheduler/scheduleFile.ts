import { readFileSync } from 'node:fs';
import { DEFAULT_SCHEDULE, loadScheduleConfig, type ScheduleConfig } from '../domain/schedule.js';

/** The schedule in force: the defaults, overridden by SCHEDULE_FILE when one is given. */
export function scheduleFromFile(file: string | undefined): ScheduleConfig {
  if (!file) return DEFAULT_SCHEDULE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Không đọc được SCHEDULE_FILE (${file}): ${(err as Error).message}`);
  }
  return loadScheduleConfig(json);
}
