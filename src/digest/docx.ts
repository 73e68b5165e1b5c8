/**
 * The formal report (brief §5.2–§5.3) as DOCX: Party-style layout, which mass organisations follow.
 * Every header element is a template field because the client has yet to supply a real Hội CCB
 * document to copy (brief §8, question 6).
 *
 * Upward readers (BDV, Hội CCB tỉnh) get compiled information, not personal data (brief §6.2): the
 * report names areas, never cadres, and an anonymous case is described by its topic only. The
 * cadres' own notes (W4, W8, W9) are included, attributed to the area; the compiler reviews the draft
 * before it is sent.
 *
 * The parts live in ./docx/: layout.ts (page, type, paragraph shapes), header.ts (header, title,
 * closing) and sections.ts (sections I–VII).
 */
import { Packer, type Paragraph, type Table } from 'docx';
import { periodNoun, previousNoun, rangeParts } from './labels.js';
import { type Digest } from './model.js';
import { openingLine, type DocTemplate } from './template.js';
import { closingBlock, issuerHeader, titleBlock } from './docx/header.js';
import { a4Document, body, para } from './docx/layout.js';
import { periodicSections, sectionI, sectionII, sectionIII, sectionIV, sectionV } from './docx/sections.js';

export { DEFAULT_DOC_TEMPLATE, docNumberLine, formatDocNumber, type DocTemplate } from './template.js';

/** `number: null` is a preview: no official number, and the number line says so. */
export async function renderReportDocx(
  d: Digest,
  t: DocTemplate,
  opts: { number: number | null; issuedAt: Date },
): Promise<Buffer> {
  const [from, to] = rangeParts(d.period);
  const weekly = d.kind === 'weekly';
  const periodPhrase = weekly
    ? `tuần từ ngày ${from} đến ngày ${to}`
    : `${periodNoun(d.kind, d.period)}, từ ngày ${from} đến ngày ${to}`;
  const inPeriod = weekly ? 'trong tuần' : 'trong kỳ';

  const children: Array<Paragraph | Table> = [
    issuerHeader(t, opts.number, opts.issuedAt),
    ...titleBlock(t, periodPhrase),
    body(openingLine(t)),
    ...sectionI(d, inPeriod, previousNoun(d.kind)),
    ...sectionII(d, inPeriod),
    ...sectionIII(d),
    ...sectionIV(d, inPeriod),
    ...sectionV(d),
    ...(weekly ? [] : periodicSections()),
    para('', { spacing: { before: 240, after: 0 } }),
    closingBlock(t),
  ];
  const doc = a4Document(t.issuingBodyInText || 'namtinhhinh', `Báo cáo ${periodPhrase}`, children);
  return Packer.toBuffer(doc);
}
