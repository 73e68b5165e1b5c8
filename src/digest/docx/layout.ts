/**
 * Page, type and paragraph shapes of the formal report (Nghị định 30/2020 Phụ lục I; brief §5.3),
 * shared by every part of the document so that they look like one typed page.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IParagraphOptions,
  type IRunOptions,
} from 'docx';

const MM = 56.7; // twips per millimetre
const A4 = { width: 11906, height: 16838 };
const MARGIN = {
  top: Math.round(20 * MM),
  bottom: Math.round(20 * MM),
  left: Math.round(30 * MM),
  right: Math.round(15 * MM),
};
export const TEXT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const FONT = 'Times New Roman';
/** docx sizes are half-points. */
export const PT = (n: number): number => n * 2;
const BODY = PT(14);
const INDENT = Math.round(10 * MM);

export function nfc(s: string): string {
  return s.normalize('NFC');
}

export function run(text: string, o: Omit<IRunOptions, 'text'> = {}): TextRun {
  return new TextRun({ size: BODY, ...o, text: nfc(text), font: FONT });
}

type ParaOptions = Omit<IParagraphOptions, 'children' | 'text'>;

export function para(children: string | TextRun[], o: ParaOptions = {}): Paragraph {
  return new Paragraph({
    spacing: { before: 0, after: 80, line: 300 },
    ...o,
    children: typeof children === 'string' ? [run(children)] : children,
  });
}

export function centre(children: string | TextRun[], o: ParaOptions = {}): Paragraph {
  return para(children, { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0 }, ...o });
}

/** A body paragraph: justified with a first-line indent, as typed documents are. */
export function body(children: string | TextRun[]): Paragraph {
  return para(children, { alignment: AlignmentType.JUSTIFIED, indent: { firstLine: INDENT } });
}

export function heading(text: string): Paragraph {
  return para([run(text, { bold: true })], {
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: INDENT },
    spacing: { before: 120, after: 80, line: 300 },
    keepNext: true,
  });
}

export function noneParagraph(): Paragraph {
  return body('Không có.');
}

const NO_BORDERS = TableBorders.NONE;
const NO_CELL_BORDERS = {
  top: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  bottom: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  left: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  right: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
};

export function twoColumns(left: Paragraph[], right: Paragraph[], leftWidth: number): Table {
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

/** The whole document: one A4 section holding `children`, in the report's default type. */
export function a4Document(creator: string, title: string, children: Array<Paragraph | Table>): Document {
  return new Document({
    creator: nfc(creator),
    title: nfc(title),
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
}
