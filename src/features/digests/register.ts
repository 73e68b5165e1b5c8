/**
 * The register of digests sent and documents issued: their numbers "Số: NN-BC/…", their file
 * names, and a stored digest read back.
 */
import { formatDate, fromLocal, toLocal, type Period } from '../../domain/calendar.js';
import { periodNoun } from '../../digest/labels.js';
import { reportingOf, type Digest, type DigestKind } from '../../digest/model.js';
import { FULL_DIGEST_LABEL } from '../../digest/text.js';
import type { DocumentsRepo, KvRepo } from '../../store/ports.js';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const FULL_DIGEST_PREFIX = 'full';

/** What numbering reads and writes: the digests already issued and the yearly counters. */
export interface NumberingPorts {
  documents: Pick<DocumentsRepo, 'issuedDigestNumber' | 'maxDigestNumber'>;
  kv: Pick<KvRepo, 'nextCounter'>;
}

/** Under the leader's digest: sends the full text and the DOCX to the leader who presses it. */
export function fullDigestButton(digestId: number): { label: string; data: string } {
  return { label: FULL_DIGEST_LABEL, data: `${FULL_DIGEST_PREFIX}:${digestId}` };
}

/** "Báo cáo tuần 03-12-2026.docx", "Báo cáo quý IV-2026.docx"; the area is added when a leader gets several. */
export function documentFileName(kind: DigestKind, period: Period, area?: string): string {
  const { y, m } = toLocal(period.end);
  const name =
    kind === 'weekly'
      ? `Báo cáo tuần ${formatDate(period.end).replace(/\//g, '-')}`
      : kind === 'monthly'
        ? `Báo cáo tháng ${String(m).padStart(2, '0')}-${y}`
        : `Báo cáo ${periodNoun(kind, period).replace(/\//g, '-')}`;
  const safeArea = area ? ` - ${area.replace(/[\\/:*?"<>|]/g, '')}` : '';
  return `${name}${safeArea}.docx`.normalize('NFC');
}

export interface DocumentKey {
  kind: string;
  unitId: number;
  periodStart: number;
}

/** The number already given to this kind of document for this area and period, if any. */
export function issuedNumber(
  ports: Pick<NumberingPorts, 'documents'>,
  doc: DocumentKey,
): Promise<number | null> {
  return ports.documents.issuedDigestNumber(doc.kind, doc.unitId, doc.periodStart);
}

/**
 * The number on the formal document "Số: NN-BC/…". Each issuing body (the scope's root unit) numbers
 * its own documents, restarting every 1 January (brief §5.3); a document already issued for the same
 * kind, area and period keeps its number, so an official export and the scheduled send are one document.
 */
export async function issueNumber(ports: NumberingPorts, doc: DocumentKey, at: Date): Promise<number> {
  const issued = await issuedNumber(ports, doc);
  if (issued !== null) return issued;
  const year = toLocal(at).y;
  // Numbers this body already carries this year (before numbering was per body, one counter served
  // all): the next one follows them, so an upgraded installation never issues a number twice.
  const used = await ports.documents.maxDigestNumber(
    doc.unitId,
    fromLocal(year, 1, 1).getTime(),
    fromLocal(year + 1, 1, 1).getTime(),
  );
  return ports.kv.nextCounter(`doc.BC.${doc.unitId}.${year}`, used);
}

const DATE_KEYS = new Set(['start', 'end', 'generatedAt', 'submittedAt', 'createdAt', 'updatedAt']);

/** A digest model read back from JSON, with its dates as dates again. */
export function reviveDigest(json: unknown): Digest {
  const d = JSON.parse(JSON.stringify(json), (key, value: unknown) =>
    DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value,
  ) as Digest;
  // Stored before the one count of who reported existed (issue 11): derived from its coverage.
  d.reporting ??= reportingOf(d.coverage);
  return d;
}
