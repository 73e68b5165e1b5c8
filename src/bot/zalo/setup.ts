/** Plugs the Zalo OA channel (issue 5) into the app. */
import type { AppContext } from '../../app.js';

export async function setupZalo(_ctx: AppContext): Promise<void> {}
