/**
 * The formal document's template fields (brief §5.3), apart from the renderer so that loading the
 * service does not load the `docx` library until a document is made.
 */

export interface DocTemplate {
  /** Top left, upright capitals: "HỘI CCB TỈNH BẮC NINH". */
  superiorBody: string;
  /** Top left, bold capitals: "HỘI CCB THỊ XÃ THUẬN THÀNH". */
  issuingBody: string;
  /** The issuing body as written in running text: "Hội Cựu chiến binh thị xã Thuận Thành". */
  issuingBodyInText: string;
  /** Top right, bold and underlined: "HỘI CỰU CHIẾN BINH VIỆT NAM". */
  titleRight: string;
  /** "Số:" as in the plan; Hướng dẫn 36-HD/VPTW itself writes "Số" without a colon. */
  numberPrefix: string;
  /** Party style "07-BC/CCB" puts a hyphen before the type; state style "05/BC-UBND" a slash. */
  numberSeparator: '-' | '/';
  numberSuffix: string;
  /** Digits the number is zero-padded to ("07"). */
  numberDigits: number;
  /** Place in the date line: "Thuận Thành, ngày 06 tháng 6 năm 2024". */
  place: string;
  /** The basis of the report, completed by ", <issuingBodyInText> báo cáo như sau:". */
  planReference: string;
  /** The model named in the summary line, without quotes. */
  modelName: string;
  /** "Nơi nhận" lines, without the leading "- "; "Lưu VT." is always added last. */
  recipients: string[];
  signaturePrefix: string;
  signatureTitle: string;
  /** Empty leaves a dotted line for the signer to fill in. */
  signerName: string;
}

const MODEL_NAME =
  'Tỉnh nắm đến xã, phường; Thị xã nắm đến thôn, khu phố; xã nắm đến người dân, đoàn viên, hội viên';

/** Values from KH 01-KH/BDV (26/5/2024) and brief §2.3, §3.1 R4–R5. */
export const DEFAULT_DOC_TEMPLATE: Readonly<DocTemplate> = Object.freeze({
  superiorBody: 'HỘI CCB TỈNH BẮC NINH',
  issuingBody: 'HỘI CCB THỊ XÃ THUẬN THÀNH',
  issuingBodyInText: 'Hội Cựu chiến binh thị xã Thuận Thành',
  titleRight: 'HỘI CỰU CHIẾN BINH VIỆT NAM',
  numberPrefix: 'Số:',
  numberSeparator: '-',
  numberSuffix: 'BC/CCB',
  numberDigits: 2,
  place: 'Thuận Thành',
  planReference:
    'Thực hiện Kế hoạch số 01-KH/BDV ngày 26/5/2024 của Ban Dân vận Thị ủy Thuận Thành về triển khai ' +
    `thực hiện thí điểm mô hình “${MODEL_NAME}” trên địa bàn thị xã Thuận Thành`,
  modelName: MODEL_NAME,
  recipients: Object.freeze([
    'Ban Thường vụ Thị ủy (qua Ban Dân vận Thị ủy)',
    'Ban Dân vận Tỉnh ủy',
    'Hội CCB tỉnh',
  ]) as unknown as string[],
  signaturePrefix: 'T/M BAN THƯỜNG VỤ',
  signatureTitle: 'CHỦ TỊCH',
  signerName: '',
});

/** "Số: 07-BC/CCB" (Party style) or "Số: 05/BC-UBND" (state style). */
export function formatDocNumber(t: DocTemplate, n: number): string {
  const num = String(n).padStart(Math.max(1, t.numberDigits), '0');
  return `${t.numberPrefix} ${num}${t.numberSeparator}${t.numberSuffix}`.trim().normalize('NFC');
}
