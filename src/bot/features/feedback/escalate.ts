/**
 * A phản ánh nobody took in: after caseIntake.workingDays its cadres are reminded, one working day
 * later it goes to the trưởng nhóm. Each step runs once (schedule_runs `case.escalate:<id>:<level>`),
 * however often and from however many processes this is called.
 */
import { addWorkingDays, formatDateTime } from '../../../domain/calendar.js';
import { CaseService } from './service.js';
import { caseCard } from './texts.js';

const DAY_MS = 86_400_000;

export function runEscalation(svc: CaseService, now: number, workingDays: number): number {
  let sent = 0;
  // n working days are at least n calendar days: cheaper than scanning every open case.
  for (const c of svc.cases.untakenBefore(now - workingDays * DAY_MS)) {
    const created = new Date(c.createdAt);
    const remindAt = addWorkingDays(created, workingDays).getTime();
    const leaderAt = addWorkingDays(created, workingDays + 1).getTime();
    if (now >= remindAt && svc.cases.claimRun(`case.escalate:${c.id}:1`, remindAt, now, 'reminded')) {
      const route = svc.routeTargets(c.unitId);
      for (const p of route.people) {
        sent += svc.notifyPerson(
          p.id,
          {
            type: 'message',
            text: `⏰ Phản ánh ${c.code} (${c.title}) gửi lúc ${formatDateTime(created)} chưa được tiếp nhận. Đồng chí bấm «Tiếp nhận» hoặc cập nhật tình hình giúp ạ.`,
            choices: CaseService.cadreButtons(c),
          },
          now,
          `case.escalate:${c.id}:1`,
        );
      }
    }
    if (now >= leaderAt && svc.cases.claimRun(`case.escalate:${c.id}:2`, leaderAt, now, 'leader')) {
      const leaders = svc.nearestLeaders(c.unitId);
      for (const p of leaders) {
        sent += svc.notifyPerson(
          p.id,
          {
            type: 'message',
            text: caseCard(c, `⚠️ Quá ${workingDays} ngày làm việc chưa được tiếp nhận:`),
            choices: CaseService.cadreButtons(c),
          },
          now,
          `case.escalate:${c.id}:2`,
        );
      }
      svc.cases.addEvent(c.id, {
        at: now,
        status: c.status,
        note: `Quá ${workingDays} ngày làm việc chưa được tiếp nhận: đã báo trưởng nhóm`,
        data: { escalated: 2, internal: true },
      });
    }
  }
  return sent;
}
