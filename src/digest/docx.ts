/**
 * The formal report (brief §5.2–§5.3) as DOCX: Party-style layout, which mass organisations follow.
 * Every header element is a template field because the client has yet to supply a real Hội CCB
 * document to copy (brief §8, question 6).
 *
 * Upward readers (BDV, Hội CCB tỉnh) get compiled information, not personal data (brief §6.2): the
 * report names areas, never cadres, and an anonymous case is described by its topic only. The
 * cadres' own notes (W4, W8, W9) are included, attributed to the area; the compiler reviews the draft
 * before it is sent.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  UnderlineType,
  VerticalAlignTable,
  WidthType,
  type IParagraphOptions,
  type IRunOptions,
} from 'docx';
import { formatDayMonthYear, formatFormalDate, formatTime } from '../domain/calendar.js';
import {
  W1_KEYS,
  W1_PHRASES,
  W2_KEYS,
  W2_SHORT,
  W5C_PHRASES,
  periodNoun,
  urgentPeople,
  previousNoun,
  rangeParts,
  topicLabel,
  w2Label,
} from './labels.js';
import { type CaseItem, type Contribution, type Digest, type HotReason, type MediaRef } from './model.js';
import { reportingPhrase } from './reporting.js';
import { DOTTED, docNumberLine, openingLine, type DocTemplate } from './template.js';

export { DEFAULT_DOC_TEMPLATE, docNumberLine, formatDocNumber, type DocTemplate } from './template.js';

// ---------------------------------------------------------------------------------------------
// Page and type (Nghị định 30/2020 Phụ lục I; brief §5.3)

const MM = 56.7; // twips per millimetre
const A4 = { width: 11906, height: 16838 };
const MARGIN = {
  top: Math.round(20 * MM),
  bottom: Math.round(20 * MM),
  left: Math.round(30 * MM),
  right: Math.round(15 * MM),
};
const TEXT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const FONT = 'Times New Roman';
/** docx sizes are half-points. */
const PT = (n: number): number => n * 2;
const BODY = PT(14);
const INDENT = Math.round(10 * MM);

function nfc(s: string): string {
  return s.normalize('NFC');
}

function run(text: string, o: Omit<IRunOptions, 'text'> = {}): TextRun {
  return new TextRun({ size: BODY, ...o, text: nfc(text), font: FONT });
}

type ParaOptions = Omit<IParagraphOptions, 'children' | 'text'>;

function para(children: string | TextRun[], o: ParaOptions = {}): Paragraph {
  return new Paragraph({
    spacing: { before: 0, after: 80, line: 300 },
    ...o,
    children: typeof children === 'string' ? [run(children)] : children,
  });
}

function centre(children: string | TextRun[], o: ParaOptions = {}): Paragraph {
  return para(children, { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0 }, ...o });
}

/** A body paragraph: justified with a first-line indent, as typed documents are. */
function body(children: string | TextRun[]): Paragraph {
  return para(children, { alignment: AlignmentType.JUSTIFIED, indent: { firstLine: INDENT } });
}

function heading(text: string): Paragraph {
  return para([run(text, { bold: true })], {
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: INDENT },
    spacing: { before: 120, after: 80, line: 300 },
    keepNext: true,
  });
}

function noneParagraph(): Paragraph {
  return body('Không có.');
}

const NO_BORDERS = TableBorders.NONE;
const NO_CELL_BORDERS = {
  top: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  bottom: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  left: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  right: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
};

function twoColumns(left: Paragraph[], right: Paragraph[], leftWidth: number): Table {
  const rightWidth = TEXT_WIDTH - leftWidth;
  const cell = (children: Paragraph[], width: number): TableCell =>
    new TableCell({
      children,
      width: { size: width, type: WidthType.DXA },
      borders: NO_CELL_BORDERS,
      verticalAlign: VerticalAlignTable.TOP,
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [leftWidth, rightWidth],
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(left, leftWidth), cell(right, rightWidth)] })],
  });
}

// ---------------------------------------------------------------------------------------------
// Content

const HOT_PHRASES: Record<HotReason, string> = {
  dot_xuat: 'có báo cáo đột xuất',
  phuc_tap: 'có vụ việc phức tạp',
  diem_nong: 'có dấu hiệu tụ tập, khiếu kiện đông người hoặc nguy cơ điểm nóng',
  buc_xuc: 'nhân dân, hội viên bức xúc',
};

function capitalise(s: string): string {
  return s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

function mediaNote(m: MediaRef): string {
  const kind =
    m.mediaType === 'voice' || m.mediaType === 'audio'
      ? 'ghi âm'
      : m.mediaType === 'photo'
        ? 'ảnh'
        : m.mediaType === 'video'
          ? 'video'
          : 'tệp đính kèm';
  return m.caption ? `(${kind}, lưu trong hệ thống) “${m.caption}”` : `(${kind}, lưu trong hệ thống)`;
}

function contributionLines(items: readonly Contribution[]): Paragraph[] {
  return items.map((c) => {
    const content =
      c.text !== null ? `“${c.text.replace(/\s*\n\s*/g, ' ')}”` : c.media ? mediaNote(c.media) : '';
    return body(`- ${c.areaName}: ${content}.`);
  });
}

/** A case as an upward report may show it: an anonymous sender's case by its topic alone. */
function caseLine(c: CaseItem): Paragraph {
  const name = c.anonymous
    ? `${c.kind === 'phan_anh' ? 'Phản ánh' : 'Vụ việc'} về ${c.topicLabel.toLocaleLowerCase('vi')}`
    : capitalise(c.title);
  const where = `${c.areaName}; mã ${c.code}${c.anonymous ? '; người gửi đề nghị giữ kín danh tính' : ''}`;
  const parts = [`- ${name} (${where}): ${c.statusLabel.toLocaleLowerCase('vi')}`];
  if (c.weeklyLabel) parts.push(`cán bộ báo cáo: ${c.weeklyLabel.toLocaleLowerCase('vi')}`);
  if (c.overdue) parts.push('quá hạn xử lý');
  if (c.lastNote && !c.anonymous) parts.push(`ghi chú: ${c.lastNote.replace(/\s*\n\s*/g, ' ')}`);
  return body(`${parts.join('; ')}.`);
}

function sectionI(d: Digest, inPeriod: string, prev: string): Paragraph[] {
  const out: Paragraph[] = [heading('I. TÌNH HÌNH TƯ TƯỞNG, TÂM TRẠNG CỦA NHÂN DÂN, ĐOÀN VIÊN, HỘI VIÊN')];
  out.push(heading('1. Tình hình chung'));
  const s = d.situation;
  if (s.total === 0 && d.mood.total === 0) {
    out.push(body(`${capitalise(inPeriod)} chưa nhận được báo cáo của cán bộ phụ trách địa bàn.`));
  } else {
    const parts = [...W1_KEYS]
      .reverse()
      .filter((k) => s.counts[k] > 0)
      .map((k) => `${s.counts[k]} báo cáo ${W1_PHRASES[k]}`);
    out.push(
      body(
        `${capitalise(inPeriod)}, tổng hợp từ báo cáo của cán bộ phụ trách địa bàn (${reportingPhrase(d.reporting)}): ` +
          `tình hình chung: ${s.worst ? W1_PHRASES[s.worst] : 'chưa rõ'}${parts.length > 1 ? ` (${parts.join('; ')})` : ''}.`,
      ),
    );
    const hot = d.areas.filter((a) => a.hot);
    if (hot.length > 0) {
      out.push(
        body(
          `Địa bàn cần chú ý: ${hot.map((a) => `${a.name} (${a.hotReasons.map((r) => HOT_PHRASES[r]).join('; ')})`).join('; ')}.`,
        ),
      );
    }
    const m = d.mood;
    if (m.total > 0) {
      const dist = W2_KEYS.filter((k) => m.counts[k] > 0)
        .map((k) => `${w2Label(k).toLocaleLowerCase('vi')}: ${m.counts[k]}`)
        .join('; ');
      let trend = '';
      if (m.trend === 'same') trend = ` Tâm trạng chung tương đương ${prev}.`;
      else if (m.trend === 'better' || m.trend === 'worse') {
        trend = m.shift
          ? ` So với ${prev}, ${m.shift.direction === 'up' ? 'tăng' : 'giảm'} ${W2_SHORT[m.shift.mood]}.`
          : ` Tâm trạng chung ${m.trend === 'better' ? 'tốt hơn' : 'kém hơn'} ${prev}.`;
      }
      const concern = m.concern
        ? ` Nhân dân, hội viên ${W2_SHORT[m.concern.mood]} chủ yếu về ${topicLabel(m.concern.topic).toLocaleLowerCase('vi')}.`
        : '';
      out.push(body(`Tâm trạng của nhân dân, đoàn viên, hội viên (số báo cáo): ${dist}.${trend}${concern}`));
    }
  }

  out.push(heading('2. Những vấn đề nhân dân quan tâm'));
  if (d.topics.length === 0 && d.opinions.length === 0) {
    out.push(d.nothingNotable > 0 ? body('Không có vấn đề nổi bật.') : noneParagraph());
  } else {
    for (const t of d.topics) {
      out.push(body(`- ${t.label}: ${t.count} báo cáo, ${t.areas} địa bàn.`));
    }
    if (d.opinions.length > 0) {
      out.push(body('Ý kiến của nhân dân, hội viên do cán bộ phụ trách địa bàn ghi nhận:'));
      out.push(...contributionLines(d.opinions));
    }
  }
  return out;
}

function sectionII(d: Digest, inPeriod: string): Paragraph[] {
  const out: Paragraph[] = [heading('II. Ý KIẾN, KIẾN NGHỊ, PHẢN ÁNH CỦA NHÂN DÂN VÀ TÌNH HÌNH GIẢI QUYẾT')];
  const f = d.feedback;
  const feedbackCases = d.cases.items.filter((c) => c.kind === 'phan_anh');
  if (f.reports === 0 && feedbackCases.length === 0) return [...out, noneParagraph()];
  if (f.reports > 0) {
    const count = f.total > 0 ? `${f.display} ` : '';
    const topics = f.topics.length > 0 ? ` (lĩnh vực: ${f.topics.map((t) => t.label).join('; ')})` : '';
    const routed =
      f.routing.length > 0
        ? ` Trong đó: ${f.routing.map((r) => `${r.total > 0 ? `${r.display} ` : ''}${W5C_PHRASES[r.key]}`).join('; ')}.`
        : '';
    out.push(
      body(
        `${capitalise(inPeriod)}, cán bộ phụ trách địa bàn ghi nhận ${count}đơn thư, kiến nghị, phản ánh mới ` +
          `của nhân dân, hội viên${topics}.${routed}`,
      ),
    );
  }
  if (feedbackCases.length > 0) {
    const open = feedbackCases.filter((c) => c.open);
    const fresh = feedbackCases.filter((c) => c.isNew).length;
    const done = feedbackCases.filter((c) => c.resolvedInPeriod).length;
    const late = open.filter((c) => c.overdue).length;
    out.push(
      body(
        `Sổ theo dõi phản ánh: mới tiếp nhận ${fresh}; đã giải quyết ${done}; đang theo dõi ${open.length}` +
          `${late > 0 ? ` (${late} quá hạn)` : ''}.`,
      ),
    );
    for (const c of open) out.push(caseLine(c));
  }
  return out;
}

function sectionIII(d: Digest): Paragraph[] {
  const out: Paragraph[] = [heading('III. VỤ VIỆC PHỨC TẠP, NỔI CỘM, ĐIỂM NÓNG')];
  const lines: Paragraph[] = [];
  for (const u of d.urgent) {
    const when = `${formatTime(u.submittedAt)} ngày ${formatDayMonthYear(u.submittedAt)}`;
    const what = u.description
      ? `: “${u.description.replace(/\s*\n\s*/g, ' ')}”`
      : u.media
        ? `: ${mediaNote(u.media)}`
        : '';
    lines.push(
      body(
        `- ${u.areaName}, ${when}, báo cáo đột xuất${what} (${[urgentPeople(u.people ?? null), u.acknowledged ? 'đã tiếp nhận' : 'chưa tiếp nhận'].filter(Boolean).join('; ')}).`,
      ),
    );
  }
  for (const a of d.areas) {
    if (a.w1 === 'phuc_tap') lines.push(body(`- ${a.name}: cán bộ báo cáo có vụ việc phức tạp.`));
  }
  for (const h of d.hotSpots) {
    lines.push(
      body(
        `- ${h.areaName}: có dấu hiệu tụ tập đông người, khiếu kiện đông người hoặc việc có thể thành điểm nóng.`,
      ),
    );
  }
  for (const c of d.cases.items)
    if (c.kind !== 'phan_anh' && (c.open || c.resolvedInPeriod)) lines.push(caseLine(c));
  return lines.length > 0 ? [...out, ...lines] : [...out, noneParagraph()];
}

function sectionIV(d: Digest, inPeriod: string): Paragraph[] {
  const out: Paragraph[] = [heading('IV. KẾT QUẢ HOẠT ĐỘNG CỦA TỔ CHỨC HỘI / THỰC HIỆN MÔ HÌNH')];
  const c = d.coverage;
  const lines: Paragraph[] = [];
  if (c.expected > 0) {
    // The same count and words as the chat (reporting.ts); cadres are not named in the formal document.
    const r = d.reporting;
    const owed = r.expected - r.submitted - r.away;
    const missing = owed > 0 ? `; chưa báo cáo: ${owed} lượt của ${r.missing.length} đồng chí` : '';
    const unreachable =
      d.unreachable.length > 0
        ? ` Có ${d.unreachable.length} đồng chí chưa liên lạc được qua kênh nhắn tin.`
        : '';
    lines.push(
      body(
        `Duy trì chế độ báo cáo nhanh hằng tuần của cán bộ phụ trách, theo dõi, nắm địa bàn ${inPeriod}. ` +
          `${reportingPhrase(r)}${missing}.${unreachable}`,
      ),
    );
  }
  if (d.goodModels.length > 0) {
    lines.push(body('Gương tốt, mô hình mới, cách làm hay:'));
    lines.push(...contributionLines(d.goodModels));
  }
  return lines.length > 0 ? [...out, ...lines] : [...out, noneParagraph()];
}

function sectionV(d: Digest): Paragraph[] {
  const out: Paragraph[] = [heading('V. ĐỀ XUẤT, KIẾN NGHỊ')];
  return d.proposals.length > 0 ? [...out, ...contributionLines(d.proposals)] : [...out, noneParagraph()];
}

/** Left for the compiler: a machine cannot judge strengths and causes (brief §5.2). */
function periodicSections(): Paragraph[] {
  const placeholder = (): Paragraph => body([run('(Người tổng hợp bổ sung.)', { italics: true })]);
  return [
    heading('VI. ĐÁNH GIÁ CHUNG'),
    heading('1. Ưu điểm'),
    placeholder(),
    heading('2. Hạn chế'),
    placeholder(),
    heading('3. Nguyên nhân'),
    placeholder(),
    heading('VII. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI'),
    placeholder(),
  ];
}

// ---------------------------------------------------------------------------------------------

/** `number: null` is a preview: no official number, and the number line says so. */
export async function renderReportDocx(
  d: Digest,
  t: DocTemplate,
  opts: { number: number | null; issuedAt: Date },
): Promise<Buffer> {
  const [from, to] = rangeParts(d.period);
  const noun = periodNoun(d.kind, d.period);
  const weekly = d.kind === 'weekly';
  const periodPhrase = weekly
    ? `tuần từ ngày ${from} đến ngày ${to}`
    : `${noun}, từ ngày ${from} đến ngày ${to}`;
  const inPeriod = weekly ? 'trong tuần' : 'trong kỳ';
  const prev = previousNoun(d.kind);

  // A field left empty prints a dotted line rather than a body or place the scope may not have.
  const upper = (s: string): string => (s.trim() ? nfc(s).toLocaleUpperCase('vi') : DOTTED);
  const header = twoColumns(
    [
      centre([run(upper(t.superiorBody))]),
      centre([run(upper(t.issuingBody), { bold: true })]),
      centre([run('*')]),
      centre([run(docNumberLine(t, opts.number))]),
    ],
    [
      centre([
        run(upper(t.titleRight), { bold: true, size: PT(15), underline: { type: UnderlineType.SINGLE } }),
      ]),
      centre([run('')]),
      centre([run(formatFormalDate(opts.issuedAt, t.place.trim() || DOTTED), { italics: true })]),
    ],
    Math.round(TEXT_WIDTH * 0.42),
  );

  const title = [
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

  const opening = body(openingLine(t));

  const recipients = [
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
  const signature = [
    ...(t.signaturePrefix.trim() ? [centre([run(upper(t.signaturePrefix), { bold: true })])] : []),
    centre([run(upper(t.signatureTitle), { bold: true })]),
    ...Array.from({ length: 4 }, () => centre([run('')])),
    centre([run(t.signerName.trim() ? t.signerName.trim() : DOTTED, { bold: true })]),
  ];
  const closing = twoColumns(recipients, signature, Math.round(TEXT_WIDTH * 0.5));

  const children: Array<Paragraph | Table> = [
    header,
    ...title,
    opening,
    ...sectionI(d, inPeriod, prev),
    ...sectionII(d, inPeriod),
    ...sectionIII(d),
    ...sectionIV(d, inPeriod),
    ...sectionV(d),
    ...(weekly ? [] : periodicSections()),
    para('', { spacing: { before: 240, after: 0 } }),
    closing,
  ];

  const doc = new Document({
    creator: nfc(t.issuingBodyInText || 'namtinhhinh'),
    title: nfc(`Báo cáo ${periodPhrase}`),
    styles: {
      default: {
        document: { run: { font: FONT, size: BODY } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: A4.width, height: A4.height },
            margin: MARGIN,
          },
          // Page numbers are centred in the top margin and not shown on page 1 (NĐ 30/2020).
          titlePage: true,
        },
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: BODY })],
              }),
            ],
          }),
          first: new Header({ children: [new Paragraph({ children: [] })] }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
