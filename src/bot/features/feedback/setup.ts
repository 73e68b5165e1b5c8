/** Plugs the phản ánh and the case register (issue 6) into the app. */
import type { ScheduleConfig } from '../../../domain/schedule.js';
import type { Store } from '../../../store/store.js';
import type { WeeklySubmittedHook } from '../../chat/weekly.js';
import type { Conversation } from '../../conversation.js';
import type { Scheduler } from '../../../scheduler/tick.js';
import { runEscalation } from './escalate.js';
import { registerTickTask } from '../../../scheduler/tick.js';
import { intakeFeature } from './intake.js';
import { lifecycleFeature } from './lifecycle.js';
import { CaseService, FEEDBACK_LIMITS, type FeedbackLimits } from './service.js';

export { FEEDBACK_LIMITS, type FeedbackLimits };

/** What D0 names: the channel's owner and where formal complaints go (kv `feedback.notice` overrides). */
const DEFAULT_NOTICE = { org: 'Hội Cựu chiến binh', ubnd: 'xã, phường' };

interface FeedbackHost {
  store: Store;
  schedule: ScheduleConfig;
  conversation: Conversation;
  scheduler: Pick<Scheduler, 'addTask'>;
  hooks: { weeklySubmitted: WeeklySubmittedHook[]; onStart: Array<() => void> };
}

type EscalationContext = Pick<FeedbackHost, 'store' | 'schedule'>;

function serviceFor(ctx: EscalationContext): CaseService {
  return new CaseService(ctx.store, {
    quietHours: ctx.schedule.quietHours,
    reopenDays: ctx.schedule.caseReopen.days,
    intakeWorkingDays: ctx.schedule.caseIntake.workingDays,
  });
}

/**
 * Reminds the cadres of phản ánh not taken in within caseIntake.workingDays, then hands them to the
 * trưởng nhóm; idempotent. Returns the number of messages enqueued.
 */
export function escalateCases(ctx: EscalationContext, now: number): number {
  const svc = serviceFor(ctx);
  return ctx.store.transaction(() => runEscalation(svc, now, ctx.schedule.caseIntake.workingDays));
}

export async function setupFeedback(
  ctx: FeedbackHost,
  limits: FeedbackLimits = FEEDBACK_LIMITS,
): Promise<void> {
  const svc = serviceFor(ctx);
  const notice = {
    ...DEFAULT_NOTICE,
    ...(ctx.store.getKv<Partial<typeof DEFAULT_NOTICE>>('feedback.notice') ?? {}),
  };
  ctx.conversation.use(
    intakeFeature({
      conv: ctx.conversation,
      svc,
      limits,
      intakeWorkingDays: ctx.schedule.caseIntake.workingDays,
      notice,
    }),
  );
  const lifecycle = lifecycleFeature({
    conv: ctx.conversation,
    svc,
    limits,
    reopenDays: ctx.schedule.caseReopen.days,
  });
  ctx.conversation.use(lifecycle);
  ctx.hooks.weeklySubmitted.push(lifecycle.onWeeklySubmitted);

  ctx.hooks.onStart.push(() => {
    // Builds the folded area index before the first citizen types a name (~0.1 s for 5,000 units).
    svc.cases.searchUnits('a', 1);
  });
  // Escalation runs with every scheduler tick: the service's own (every 30 s) and `namtinhhinh tick`.
  registerTickTask(ctx, (now) => {
    escalateCases(ctx, now);
  });
}
