/** `namtinhhinh tick` and `namtinhhinh digest` (DESIGN.md §5). */
import type { CliCommand } from '../cli.js';

export const schedulerCliCommands: CliCommand[] = [];
