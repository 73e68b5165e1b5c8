/** What every `namtinhhinh` subcommand is given and returns; src/cli.ts lists the commands. */
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../runtime/config.js';
import type { Db } from '../store/db.js';

export class CliError extends Error {}

export interface CliContext {
  config: Config;
  db(): Db;
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
