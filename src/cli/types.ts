/** What every `namtinhhinh` subcommand is given and returns; src/cli.ts lists the commands. */
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../runtime/config.js';
import type { Db } from '../store/db.js';
import type { ScheduleConfig } from '../domain/schedule.js';
import type { Store } from '../store/store.js';
import type { Scheduler } from '../scheduler/tick.js';

export class CliError extends Error {}

/** The service's parts a command drives, built without listening or background loops. */
export interface CliApp {
  store: Store;
  schedule: ScheduleConfig;
  scheduler: Pick<Scheduler, 'tick'>;
  close(): Promise<void>;
}

export interface CliContext {
  config: Config;
  db(): Db;
  /** Builds the app on `db()` with the given clock (src/cli.ts passes buildApp's result in). */
  openApp(opts: { clock: () => number }): Promise<CliApp>;
  out(line: string): void;
  err(line: string): void;
}

export interface CliCommand {
  /** Words that name it: ["roster", "import"]. */
  path: string[];
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  run(
    ctx: CliContext,
    args: { values: Record<string, unknown>; positionals: string[] },
  ): Promise<number> | number;
}
