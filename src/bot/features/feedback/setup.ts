/** Plugs the phản ánh and the case register (issue 6) into the app. */
import type { AppContext } from '../../../app.js';

export async function setupFeedback(_ctx: AppContext): Promise<void> {}
