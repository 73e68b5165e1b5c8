/**
 * The parts around the body: the issuer and national-title header, the report's title, and the
 * closing with recipients and signature. Every element comes from the template because the client
 * has yet to supply a real Hội CCB document to copy (brief §8, question 6).
 */
import { Paragraph, Table, UnderlineType } from 'docx';
import { formatFormalDate } from '../../domain/calendar.js';
import { DOTTED, docNumberLine, type DocTemplate } from '../template.js';
import { PT, TEXT_WIDTH, centre, nfc, para, run, twoColumns } from './layout.js';

/** A field left empty prints a dotted line rather than a body or place the scope may not have. */
function upper(s: string): string {
  return s.trim() ? nfc(s).toLocaleUpperCase('vi') : DOTTED;
}

/** Issuer, asterisk and number on the left; national title and place and date on the right. */
export function issuerHeader(t: DocTemplate, number: number | null, issuedAt: Date): Table {
  return twoColumns(
    [
      centre([run(upper(t.superiorBody))]),
      centre([run(upper(t.issuingBody), { bold: true })]),
      centre([run('*')]),
      centre([run(docNumberLine(t, number))]),
    ],
    [
      centre([
        run(upper(t.titleRight), { bold: true, size: PT(15), underline: { type: UnderlineType.SINGLE } }),
      ]),
      centre([run('')]),
      centre([run(formatFormalDate(issuedAt, t.place.trim() || DOTTED), { italics: true })]),
    ],
    Math.round(TEXT_WIDTH * 0.42),
  );
}

export function titleBlock(t: DocTemplate, periodPhrase: string): Paragraph[] {
  return [
    centre([run('BÁO CÁO', { bold: true, size: PT(16) })], { spacing: { before: 360, after: 60 } }),
    centre(
      [
        run(
          `Tình hình nhân dân, đoàn viên, hội viên và kết quả thực hiện mô hình “${t.modelName}” (${periodPhrase})`,
          { bold: true },
        ),
      ],
      { spacing: { before: 0, after: 0, line: 300 } },
    ),
    centre([run('-----')], { spacing: { before: 0, after: 240 } }),
  ];
}

function recipients(t: DocTemplate): Paragraph[] {
  return [
    para(
      [
        run('Nơi nhận:', {
          bold: true,
          italics: true,
          size: PT(12),
          underline: { type: UnderlineType.SINGLE },
        }),
      ],
      {
        spacing: { before: 0, after: 0 },
      },
    ),
    ...(t.recipients.length > 0 ? t.recipients : [DOTTED]).map((r) =>
      para([run(`- ${r},`, { size: PT(11) })], { spacing: { before: 0, after: 0 } }),
    ),
    para([run('- Lưu VT.', { size: PT(11) })], { spacing: { before: 0, after: 0 } }),
  ];
}

function signature(t: DocTemplate): Paragraph[] {
  return [
    ...(t.signaturePrefix.trim() ? [centre([run(upper(t.signaturePrefix), { bold: true })])] : []),
    centre([run(upper(t.signatureTitle), { bold: true })]),
    ...Array.from({ length: 4 }, () => centre([run('')])),
    centre([run(t.signerName.trim() ? t.signerName.trim() : DOTTED, { bold: true })]),
  ];
}

/** Recipients on the left, signature on the right. */
export function closingBlock(t: DocTemplate): Table {
  return twoColumns(recipients(t), signature(t), Math.round(TEXT_WIDTH * 0.5));
}
