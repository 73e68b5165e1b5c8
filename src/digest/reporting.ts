/**
 * The one wording of "who reported" (issue 11): the leader's chat (/tinhhinh), the text digest and
 * the DOCX all show the same count over the same pairs, so a leader never reads "1/5" in one place
 * and "1/7" or "1/6 địa bàn" in another for the same week.
 */
import type { CadreWithAreas, Reporting } from './model.js';

/** Cadre × area pairs: a cadre who follows two areas owes two reports a week. */
export const REPORTING_UNIT = 'lượt cán bộ – địa bàn';

/** "Đã báo cáo: 5/7 lượt cán bộ – địa bàn (1 nộp muộn, 2 vắng có báo)". */
export function reportingPhrase(r: Reporting): string {
  const extra: string[] = [];
  if (r.late > 0) extra.push(`${r.late} nộp muộn`);
  if (r.away > 0) extra.push(`${r.away} vắng có báo`);
  return `Đã báo cáo: ${r.submitted}/${r.expected} ${REPORTING_UNIT}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** "đ/c Dũng (Phường Hồ, Khu phố Đông Côi)": each person once, the areas they owe after the name. */
export function cadreWithAreas(c: CadreWithAreas): string {
  return `đ/c ${c.givenName} (${c.areas.join(', ')})`;
}

/** The missing, each once; past `max` people the rest are counted, so a chat line stays readable. */
export function missingList(r: Reporting, max = Infinity): string {
  const shown = r.missing.slice(0, max).map(cadreWithAreas);
  const more = r.missing.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` và ${more} đồng chí khác` : ''}`;
}
