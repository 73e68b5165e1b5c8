/**
 * The formal document's template fields (brief §5.3) and the per-scope settings over them: pure
 * words and rules, shared by the digest's renderer and the store that keeps the settings.
 *
 * The issuing body and place are derived from the scope's unit on the roster, so a roster in the
 * post-1/7/2025 shape (tỉnh > phường) never prints a body that no longer exists. What the roster
 * cannot know (the plan the report answers, the recipients, the signer) comes from per-scope
 * settings; while unset the document shows a dotted line for the compiler to fill in by hand.
 */
import { fold } from './text.js';

export interface DocTemplate {
  /** Top left, upright capitals: "HỘI CCB TỈNH BẮC NINH". */
  superiorBody: string;
  /** Top left, bold capitals: "HỘI CCB THỊ XÃ THUẬN THÀNH". */
  issuingBody: string;
  /** The issuing body as written in running text: "Hội Cựu chiến binh thị xã Thuận Thành". */
  issuingBodyInText: string;
  /** The scope as written after "trên địa bàn": "thị xã Thuận Thành", "phường Trạm Lộ". */
  areaInText: string;
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
  /**
   * The basis of the report, completed by " trên địa bàn <areaInText>, <issuingBodyInText> báo cáo
   * như sau:" (the area is not added again when the text already names one). Empty: a dotted line.
   */
  planReference: string;
  /** The model named in the summary line, without quotes. */
  modelName: string;
  /** "Nơi nhận" lines, without the leading "- "; "Lưu VT." is always added last. Empty: a dotted line. */
  recipients: string[];
  signaturePrefix: string;
  /** Empty leaves a dotted line. */
  signatureTitle: string;
  /** Empty leaves a dotted line for the signer to fill in. */
  signerName: string;
}

const MODEL_NAME =
  'Tỉnh nắm đến xã, phường; Thị xã nắm đến thôn, khu phố; xã nắm đến người dân, đoàn viên, hội viên';

/**
 * What holds for every scope: layout conventions of Hướng dẫn 36-HD/VPTW and the model's name from
 * KH 01-KH/BDV (brief §2.3, §5.3). Everything that names a body or a place is left empty here and
 * filled per scope by `resolveDocTemplate`.
 */
export const DEFAULT_DOC_TEMPLATE: Readonly<DocTemplate> = Object.freeze({
  superiorBody: '',
  issuingBody: '',
  issuingBodyInText: '',
  areaInText: '',
  titleRight: 'HỘI CỰU CHIẾN BINH VIỆT NAM',
  numberPrefix: 'Số:',
  numberSeparator: '-',
  numberSuffix: 'BC/CCB',
  numberDigits: 2,
  place: '',
  planReference: '',
  modelName: MODEL_NAME,
  recipients: Object.freeze([]) as unknown as string[],
  signaturePrefix: 'T/M BAN THƯỜNG VỤ',
  signatureTitle: '',
  signerName: '',
});

/** What the document prints where a setting is missing, for the compiler to fill in by hand. */
export const DOTTED = '…………………………';

/** "Số: 07-BC/CCB" (Party style) or "Số: 05/BC-UBND" (state style). */
export function formatDocNumber(t: DocTemplate, n: number): string {
  const num = String(n).padStart(Math.max(1, t.numberDigits), '0');
  return `${t.numberPrefix} ${num}${t.numberSeparator}${t.numberSuffix}`.trim().normalize('NFC');
}

/** A preview's number line: no official number is taken, and the document says so. */
export function formatDraftDocNumber(t: DocTemplate): string {
  return `${t.numberPrefix} ……${t.numberSeparator}${t.numberSuffix} (bản xem trước)`.trim().normalize('NFC');
}

/** The number line of a document that may not have been numbered (a preview). */
export function docNumberLine(t: DocTemplate, n: number | null): string {
  return n === null ? formatDraftDocNumber(t) : formatDocNumber(t, n);
}

// ---------------------------------------------------------------------------------------------
// Per-scope settings (README, "Văn bản báo cáo"; DESIGN.md §5 `settings doc-header`)

export const DOC_HEADER_KEYS = [
  'issuingBody',
  'issuingBodyInText',
  'superiorBody',
  'place',
  'planReference',
  'recipients',
  'signaturePrefix',
  'signerTitle',
  'signerName',
  'numberSuffix',
] as const;
export type DocHeaderKey = (typeof DOC_HEADER_KEYS)[number];

export type DocHeaderSettings = { recipients?: string[] } & {
  [K in Exclude<DocHeaderKey, 'recipients'>]?: string;
};

/** What an operator reads next to each key. */
export const DOC_HEADER_LABELS: Record<DocHeaderKey, string> = {
  issuingBody: 'cơ quan ban hành, chữ in hoa',
  issuingBodyInText: 'cơ quan ban hành trong câu văn',
  superiorBody: 'cơ quan cấp trên',
  place: 'địa danh ghi trước ngày tháng',
  planReference: 'căn cứ báo cáo',
  recipients: 'nơi nhận',
  signaturePrefix: 'thẩm quyền ký, T/M…',
  signerTitle: 'chức vụ người ký',
  signerName: 'họ tên người ký',
  numberSuffix: 'ký hiệu sau số văn bản',
};

/** Only an operator can supply these; the document shows a dotted line and the CLI warns while unset. */
export const SETTINGS_ONLY_KEYS: readonly DocHeaderKey[] = [
  'planReference',
  'recipients',
  'signerTitle',
  'signerName',
];

export type FieldSource = 'roster' | 'database' | 'default' | 'unset';

export interface ResolvedDocTemplate {
  template: DocTemplate;
  /** Each key's effective value and where it came from. */
  fields: Record<DocHeaderKey, { value: string | string[] | null; source: FieldSource }>;
  /** Settings-only keys still unset, in DOC_HEADER_KEYS order. */
  unset: DocHeaderKey[];
}

export interface ScopeUnit {
  kind: string;
  name: string;
}

/** Levels below the commune, where the association is a chi hội of the commune's Hội. */
const VILLAGE_KINDS = new Set(['thon', 'khu pho', 'to dan pho', 'xom', 'ap', 'ban']);

function bareName(u: ScopeUnit): string {
  return u.name.startsWith(`${u.kind} `) ? u.name.slice(u.kind.length + 1) : u.name;
}

/** "thị xã Thuận Thành": the kind in lower case, as in running text. */
function inText(u: ScopeUnit): string {
  return `${u.kind.toLocaleLowerCase('vi')} ${bareName(u)}`.trim();
}

function isVillage(u: ScopeUnit): boolean {
  return VILLAGE_KINDS.has(fold(u.kind));
}

function upper(s: string): string {
  return s.normalize('NFC').toLocaleUpperCase('vi');
}

/** "Hội CCB" → "Hội Cựu chiến binh": abbreviations are not written out in running text. */
function spelledOut(organization: string): string {
  return organization.replace(/\bCCB\b/g, 'Cựu chiến binh');
}

/** The association at a unit's level: "Hội CCB" for a commune and above, "Chi hội CCB" below it. */
function bodyAt(u: ScopeUnit, organization: string): string {
  if (!isVillage(u)) return organization;
  return /^Hội\b/.test(organization) ? `Chi hội${organization.slice(3)}` : `Chi hội ${organization}`;
}

/**
 * The template for one scope: the defaults, then what the roster says of the scope's unit, its
 * parent and the association, then the scope's stored settings. `base` may carry installation-wide
 * layout overrides; it never supplies a body, place, plan, recipient or signer.
 */
export function resolveDocTemplate(
  scope: ScopeUnit,
  parent: ScopeUnit | undefined,
  organization: string,
  settings: DocHeaderSettings,
  base: Readonly<DocTemplate> = DEFAULT_DOC_TEMPLATE,
): ResolvedDocTemplate {
  const org = organization.trim() || 'Hội CCB';
  const village = isVillage(scope);
  const derived = {
    issuingBody: upper(`${bodyAt(scope, org)} ${scope.name}`),
    issuingBodyInText: `${spelledOut(bodyAt(scope, org))} ${inText(scope)}`,
    superiorBody: parent
      ? upper(`${bodyAt(parent, org)} ${parent.name}`)
      : upper(`Trung ương ${org} Việt Nam`),
    // A chi hội dates its documents from the commune it belongs to.
    place: village && parent ? bareName(parent) : bareName(scope),
  };
  const fields = {} as ResolvedDocTemplate['fields'];
  for (const key of DOC_HEADER_KEYS) {
    const stored = settings[key];
    const has = Array.isArray(stored) ? stored.length > 0 : typeof stored === 'string' && stored !== '';
    if (has) fields[key] = { value: stored!, source: 'database' };
    else if (key in derived) fields[key] = { value: derived[key as keyof typeof derived], source: 'roster' };
    else if (key === 'signaturePrefix')
      fields[key] = { value: village ? 'T/M CHI HỘI' : base.signaturePrefix, source: 'default' };
    else if (key === 'numberSuffix') fields[key] = { value: base.numberSuffix, source: 'default' };
    else fields[key] = { value: null, source: 'unset' };
  }
  const str = (k: Exclude<DocHeaderKey, 'recipients'>): string => {
    const v = fields[k].value;
    return typeof v === 'string' ? v : '';
  };
  const recipients = fields.recipients.value;
  const template: DocTemplate = {
    ...base,
    issuingBody: str('issuingBody'),
    issuingBodyInText: str('issuingBodyInText'),
    superiorBody: str('superiorBody'),
    areaInText: inText(scope),
    place: str('place'),
    planReference: str('planReference'),
    recipients: Array.isArray(recipients) ? [...recipients] : [],
    signaturePrefix: str('signaturePrefix'),
    signatureTitle: str('signerTitle'),
    signerName: str('signerName'),
    numberSuffix: str('numberSuffix'),
  };
  const unset = SETTINGS_ONLY_KEYS.filter((k) => fields[k].source === 'unset');
  return { template, fields, unset };
}
