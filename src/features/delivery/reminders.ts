/**
 * Reminders before a deadline (brief §7): one polite message per cadre who still owes a report for
 * an area they follow and is not away, naming the areas and the deadline, with a button to start at
 * once and an invitation to reply (a reply also re-opens the Zalo messaging window). Reminders due
 * at the same moment (a Thursday that is also the 15th, or 15/12's four periodic kinds) go out as
 * one message per cadre, never as a burst.
 */
import { formatDateTime } from '../../domain/calendar.js';
import { periodNoun } from '../../digest/labels.js';
import type { OutChoice } from '../../flows/types.js';
import type { Occurrence } from '../../domain/schedule.js';
import type { RemindersRepo, ScheduleRunsRepo } from '../../store/ports.js';
import { sendToPerson, type DeliveryPorts } from './delivery.js';

/** The repositories of the unit of work that claims the reminders and queues them. */
export interface ReminderPorts extends DeliveryPorts {
  scheduleRuns: Pick<ScheduleRunsRepo, 'claimRun' | 'setRunOutcome'>;
  reminders: Pick<RemindersRepo, 'missingReports'>;
}

interface Owed {
  personId: number;
  /** Per occurrence, in firing order: what is owed and where. */
  items: Array<{ o: Occurrence; areas: string[] }>;
}

function periodsOwed(o: Occurrence): string[] {
  if (o.reportKind === 'weekly') return ['tuần này'];
  return o.covers.map((k) => periodNoun(k === 'weekly' ? 'monthly' : k, o.period));
}

/** "Đồng chí chưa gửi báo cáo tháng 12/2026, quý IV/2026 cho Khu phố X. Hạn gửi: …", one line per deadline and areas. */
export function reminderText(items: Owed['items']): string {
  const lines = new Map<string, { periods: string[]; areas: string[]; deadline: Date }>();
  for (const { o, areas } of items) {
    const key = `${o.deadline.getTime()}|${areas.join('|')}`;
    const line = lines.get(key);
    if (line) line.periods.push(...periodsOwed(o));
    else lines.set(key, { periods: periodsOwed(o), areas, deadline: o.deadline });
  }
  const out = [...lines.values()].map(
    (l) =>
      `Đồng chí chưa gửi báo cáo ${l.periods.join(', ')} cho ${l.areas.join(', ')}. Hạn gửi: ${formatDateTime(l.deadline)}.`,
  );
  out.push(
    'Đồng chí bấm nút dưới đây, hoặc trả lời tin nhắn này, để báo cáo ạ. Nếu đi vắng, đồng chí gõ: vang',
  );
  return out.join('\n');
}

/**
 * Claims every reminder occurrence given (in the caller's unit of work) and sends what is owed.
 * Occurrences another process already claimed are left out. Returns the number of messages.
 */
export async function fireReminders(
  ports: ReminderPorts,
  occurrences: Occurrence[],
  now: number,
): Promise<Map<string, number>> {
  const { scheduleRuns } = ports;
  const claimed: Occurrence[] = [];
  for (const o of occurrences)
    if (await scheduleRuns.claimRun(o.ruleId, o.at.getTime(), now, 'sent')) claimed.push(o);
  const owed = new Map<number, Owed>();
  const counts = new Map<string, number>();
  for (const o of claimed) {
    const byPerson = new Map<number, string[]>();
    for (const m of await ports.reminders.missingReports(o.reportKind, o.period.start.getTime(), now)) {
      byPerson.set(m.personId, [...(byPerson.get(m.personId) ?? []), m.unitName]);
    }
    for (const [personId, areas] of byPerson) {
      let entry = owed.get(personId);
      if (!entry) owed.set(personId, (entry = { personId, items: [] }));
      entry.items.push({ o, areas });
    }
    counts.set(o.ruleId, 0);
  }

  for (const entry of owed.values()) {
    const weekly = entry.items.some((i) => i.o.reportKind === 'weekly');
    const periodic = entry.items.some((i) => i.o.reportKind !== 'weekly');
    const buttons: OutChoice[][] = [];
    if (weekly) buttons.push([{ label: '📝 Báo cáo ngay', data: 'c:baocao' }]);
    if (periodic)
      buttons.push([{ label: weekly ? '📝 Báo cáo định kỳ' : '📝 Báo cáo ngay', data: 'c:baocaothang' }]);
    const ids = [...new Set(entry.items.map((i) => i.o.ruleId))].join('+');
    const first = entry.items[0]!.o.at.getTime();
    const sent = await sendToPerson(
      ports,
      entry.personId,
      { type: 'message', text: reminderText(entry.items), choices: buttons },
      now,
      { dedupeKey: `${ids}:${first}:${entry.personId}` },
    );
    if (!sent) continue;
    for (const i of entry.items) counts.set(i.o.ruleId, (counts.get(i.o.ruleId) ?? 0) + 1);
  }
  for (const o of claimed)
    await scheduleRuns.setRunOutcome(o.ruleId, o.at.getTime(), `sent:${counts.get(o.ruleId) ?? 0}`);
  return counts;
}
