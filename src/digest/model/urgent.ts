/** Urgent reports (B-flow) in the subtree. */
import type { DigestInput } from '../../domain/digest.js';
import { readContent } from './answers.js';
import type { DigestScope } from './scope.js';
import type { UrgentItem } from './types.js';

/** Also counts each area's urgent reports, which make it hot: run before the area list. */
export function collectUrgent(scope: DigestScope, items: DigestInput['urgent']): UrgentItem[] {
  const urgent: UrgentItem[] = [];
  for (const u of items) {
    const a = scope.area(u.unitId);
    if (!a) continue;
    a.urgent++;
    const desc = readContent(u.answers.B8);
    urgent.push({
      id: u.id,
      unitId: a.unitId,
      areaName: a.name,
      areaPath: a.path,
      personId: u.personId,
      cadreName: scope.cadreName(u.personId),
      submittedAt: u.submittedAt,
      acknowledged: u.acknowledged,
      description: desc?.text ?? null,
      media: desc?.media ?? null,
      people: typeof u.answers.B4 === 'string' ? u.answers.B4 : null,
    });
  }
  // Unacknowledged first: those still need someone to act.
  return urgent.sort(
    (x, y) =>
      Number(x.acknowledged) - Number(y.acknowledged) || x.submittedAt.getTime() - y.submittedAt.getTime(),
  );
}
