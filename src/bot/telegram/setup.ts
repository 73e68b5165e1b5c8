/** Plugs the Telegram channel (issue 3) into the app. */
import type { AppContext } from '../../app.js';

export async function setupTelegram(_ctx: AppContext): Promise<void> {}
