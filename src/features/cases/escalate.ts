/**
 * A phản ánh nobody took in: after caseIntake.workingDays its cadres are reminded, one working day
 * later it goes to the trưởng nhóm. Each step runs once (schedule_runs `case.escalate:<id>:<level>`),
 * however often and from however many processes this is called.
 */
import { addWorkingDays, formatDateTime } from '../../domain/calendar.js';
import type { CaseRow } from '../../store/cases.js';
import type { CasePorts } from './ports.js';
import { nearestLeaders, notifyPerson, routeTargets } from './routing.js';
import { cadreButtons } from './status.js';
import { caseCard } from './texts.js';

const DAY_MS = 86_400_000;

function remindCadres(p: CasePorts, c: CaseRow, created: Date, now: number): number {
  let sent = 0;
  for (const person of routeTargets(p, c.unitId).people) {
    sent += notifyPerson(
      p,
      person.id,
      {
        type: 'message',
        text: `⏰ Phản ánh ${c.code} (${c.title}) gửi lúc ${formatDateTime(created)} chưa được tiếp nhận. Đồng chí bấm «Tiếp nhận» hoặc cập nhật tình hình giúp ạ.`,
        choices: cadreButtons(c),
      },
      now,
      `case.escalate:${c.id}:1`,
    );
  }
  return sent;
}

function tellLeaders(p: CasePorts, c: CaseRow, now: number): number {
  const workingDays = p.rules.intakeWorkingDays;
  let sent = 0;
  for (const person of nearestLeaders(p, c.unitId)) {
    sent += notifyPerson(
      p,
      person.id,
      {
        type: 'message',
        text: caseCard(c, `⚠️ Quá ${workingDays} ngày làm việc chưa được tiếp nhận:`),
        choices: cadreButtons(c),
      },
      now,
      `case.escalate:${c.id}:2`,
    );
  }
  p.cases.addEvent(c.id, {
    at: now,
    status: c.status,
    note: `Quá ${workingDays} ngày làm việc chưa được tiếp nhận: đã báo trưởng nhóm`,
    data: { escalated: 2, internal: true },
  });
  return sent;
}

/**
 * Reminds the cadres of phản ánh not taken in within caseIntake.workingDays, then hands them to the
 * trưởng nhóm; idempotent. Returns the number of messages enqueued.
 */
export function escalateCases(p: CasePorts, now: number): number {
  const workingDays = p.rules.intakeWorkingDays;
  return p.store.transaction(() => {
    let sent = 0;
    // n working days are at least n calendar days: cheaper than scanning every open case.
    for (const c of p.cases.untakenBefore(now - workingDays * DAY_MS)) {
      const created = new Date(c.createdAt);
      const remindAt = addWorkingDays(created, workingDays).getTime();
      const leaderAt = addWorkingDays(created, workingDays + 1).getTime();
      if (now >= remindAt && p.cases.claimRun(`case.escalate:${c.id}:1`, remindAt, now, 'reminded'))
        sent += remindCadres(p, c, created, now);
      if (now >= leaderAt && p.cases.claimRun(`case.escalate:${c.id}:2`, leaderAt, now, 'leader'))
        sent += tellLeaders(p, c, now);
    }
    return sent;
  });
}
