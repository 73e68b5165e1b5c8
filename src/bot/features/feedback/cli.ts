/** `namtinhhinh cases list --json` (DESIGN.md §5). */
import type { CliCommand } from '../../../cli.js';

export const feedbackCliCommands: CliCommand[] = [];
