/**
 * The formal documents of the digests fired: rendered after the unit of work that fired them (the
 * DOCX is made asynchronously), then queued to the area's leaders, and the CLI's export of one.
 */
import { docNumberLine } from '../../digest/template.js';
import type { Digest } from '../../digest/model.js';
import type { DigestRow, DocumentsRepo, StoreEngine, UnitRow } from '../../store/ports.js';
import { docTemplate, sendToPerson, type DeliveryPorts } from '../delivery/delivery.js';
import type { DigestJob } from './jobs.js';
import {
  DOCX_MIME,
  documentFileName,
  issuedNumber,
  issueNumber,
  reviveDigest,
  type NumberingPorts,
} from './register.js';

export interface DocumentPorts {
  /**
   * Units of work of its own: the DOCX is rendered between them, never inside one, since a unit
   * awaits only the store.
   */
  engine: Pick<StoreEngine, 'run'>;
}

/** What queueing one rendered document writes, in its unit of work. */
type SendPorts = DeliveryPorts & { documents: Pick<DocumentsRepo, 'digest' | 'updateDigestData'> };

/**
 * Renders every digest whose document is still pending and queues it to its leaders, each in its
 * own short unit of work. Safe to run from several processes: the pending mark is re-checked and
 * the outbox dedupe key refuses a second copy.
 */
export async function queuePendingDocuments(ports: DocumentPorts, now: number): Promise<number> {
  const { engine } = ports;
  let queued = 0;
  for (const row of await engine.run((repos) => repos.documents.digestsAwaitingDocument())) {
    const digest = reviveDigest(row.data.model);
    const template = await engine.run((repos) => docTemplate(repos, row.unitId));
    // Loaded on first use: the docx library is heavy and most processes never make a document.
    const { renderReportDocx } = await import('../../digest/docx.js');
    const buf = await renderReportDocx(digest, template, {
      number: row.number ?? 0,
      issuedAt: new Date(row.createdAt),
    });
    const base64 = buf.toString('base64');
    await engine.run(async (repos: SendPorts) => {
      const fresh = await repos.documents.digest(row.id);
      if (!fresh || fresh.data.document !== 'pending') return;
      await sendDocument(repos, fresh, digest, {
        base64,
        caption: docNumberLine(template, fresh.number),
        now,
      });
      // Kept so "Xem báo cáo đầy đủ" can send the same file again without rendering it in a chat turn.
      await repos.documents.updateDigestData(row.id, { ...fresh.data, document: 'queued', docx: base64 });
      queued++;
    });
  }
  return queued;
}

async function sendDocument(
  ports: SendPorts,
  fresh: DigestRow,
  digest: Digest,
  doc: { base64: string; caption: string; now: number },
): Promise<void> {
  const leaders = (fresh.data.leaders as number[] | undefined) ?? [];
  const multi = new Set((fresh.data.multipleAreas as number[] | undefined) ?? []);
  const period = { start: new Date(fresh.periodStart), end: new Date(fresh.periodEnd) };
  for (const personId of leaders) {
    const fileName = documentFileName(
      digest.kind,
      period,
      multi.has(personId) ? digest.root.name : undefined,
    );
    await sendToPerson(
      ports,
      personId,
      {
        type: 'document',
        fileName,
        mimeType: DOCX_MIME,
        base64: doc.base64,
        caption: `${doc.caption} – ${digest.root.name}`,
      },
      doc.now,
      {
        dedupeKey: `${String(fresh.data.ruleId)}:${String(fresh.data.occurrenceAt)}:${personId}:${fresh.unitId}:doc`,
      },
    );
  }
}

/** The repositories of the export's unit of work, which takes the number and registers the document. */
export interface ExportPorts extends NumberingPorts {
  documents: NumberingPorts['documents'] & Pick<DocumentsRepo, 'insertDigest'>;
}

/**
 * The number on an exported document: a document already issued for this area and period keeps
 * its number; otherwise only an official export takes the next one (and registers the document),
 * so a preview leaves no gap in the year's numbering. Null for an unnumbered preview. In the
 * caller's unit of work, so the number taken and the document registered commit together.
 */
export async function exportedNumber(
  ports: ExportPorts,
  input: { root: UnitRow; job: DigestJob; digest: Digest; official: boolean; at: Date },
): Promise<number | null> {
  const { root, job, at } = input;
  const doc = { kind: job.kind, unitId: root.id, periodStart: job.period.start.getTime() };
  const issued = await issuedNumber(ports, doc);
  if (issued !== null) return issued;
  if (!input.official) return null;
  const n = await issueNumber(ports, doc, at);
  await ports.documents.insertDigest({
    kind: job.kind,
    unitId: root.id,
    periodStart: job.period.start.getTime(),
    periodEnd: job.period.end.getTime(),
    number: n,
    createdAt: at.getTime(),
    data: { source: 'cli', document: 'exported', model: input.digest },
  });
  return n;
}
