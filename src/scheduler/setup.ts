/** Plugs the scheduler, reminders, digests, urgent and periodic reports (issue 4) into the app. */
import type { AppContext } from '../app.js';
import { awayFeature } from '../bot/chat/away.js';
import { digestFeature } from '../bot/features/digest.js';
import { periodicFeature } from '../bot/chat/periodic.js';
import { offerUrgentAfterWeekly, urgentFeature } from '../bot/features/urgent.js';
import { schedulerDeps } from './deps.js';
import { applyRetention } from '../store/retention.js';
import { ensureStartedAt, registerTickTask, startTicking } from './tick.js';

export async function setupScheduler(ctx: AppContext): Promise<void> {
  const deps = schedulerDeps(ctx);
  ctx.conversation.use(urgentFeature(deps));
  ctx.conversation.use(periodicFeature(deps));
  ctx.conversation.use(awayFeature(deps));
  ctx.conversation.use(digestFeature(deps));
  ctx.hooks.weeklySubmitted.push(offerUrgentAfterWeekly);
  // Citizens' data past its retention is erased by the tick, so `tick --at` and the service agree.
  // Never ahead of the real clock: a `tick --at` in the future must not erase data before it is due.
  registerTickTask(
    ctx,
    (now) => void applyRetention(ctx.store.db, ctx.config.RETENTION_DAYS, Math.min(now, ctx.clock())),
  );

  if (ctx.config.SCHEDULER) {
    // The database's first start: the scheduler never back-fills occurrences from before it. A
    // process that does not schedule (the CLI, SCHEDULER=0) leaves it to its first tick.
    ensureStartedAt(deps, ctx.clock());
    let ticking: { stop(): Promise<void> } | null = null;
    ctx.hooks.onStart.push(() => {
      ticking = startTicking(ctx);
    });
    ctx.hooks.onClose.push(async () => {
      await ticking?.stop();
      ticking = null;
    });
  }
}
