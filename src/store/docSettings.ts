/**
 * The formal document's settings per scope (README, "Văn bản báo cáo"). They live in `kv` under
 * `doc.header:<unit path>`: a handful of rows read once per document, for which a table of their
 * own would buy nothing. The path is the unit's identity on the roster, so an exported file reads
 * as the roster does and imports into another installation with the same roster.
 */
import { z } from 'zod';
import { cleanText, fold } from '../domain/text.js';
import {
  DEFAULT_DOC_TEMPLATE,
  DOC_HEADER_KEYS,
  resolveDocTemplate,
  type DocHeaderKey,
  type DocHeaderSettings,
  type DocTemplate,
  type ResolvedDocTemplate,
} from '../digest/template.js';
import type { Db } from './db.js';
import { KvTable } from './kv.js';
import { toUnit, type UnitRow } from './units.js';

const PREFIX = 'doc.header:';
const MAX_TEXT = 600;
const MAX_RECIPIENTS = 20;

const text = z
  .string()
  .transform((s) => cleanText(s).replace(/\s*\n\s*/g, ' '))
  .refine((s) => s.length <= MAX_TEXT, `dài quá ${MAX_TEXT} ký tự`);

/** One scope's settings as stored and as written in the file; an empty value means "not set". */
export const docHeaderSettingsSchema = z
  .object({
    issuingBody: text.optional(),
    issuingBodyInText: text.optional(),
    superiorBody: text.optional(),
    place: text.optional(),
    planReference: text.optional(),
    recipients: z
      .array(text)
      .max(MAX_RECIPIENTS)
      .transform((a) => a.filter((s) => s !== ''))
      .optional(),
    signaturePrefix: text.optional(),
    signerTitle: text.optional(),
    signerName: text.optional(),
    numberSuffix: text
      .refine((s) => s === '' || /^[\p{L}\p{N}/.-]+$/u.test(s), 'chỉ gồm chữ, số, "/", "-" hoặc "."')
      .optional(),
  })
  .strict();

/** The documented file (config/doc-header.example.json): settings by unit path. */
export const docHeaderFileSchema = z
  .object({
    $comment: z.string().optional(),
    scopes: z.record(z.string(), docHeaderSettingsSchema),
  })
  .strict();
export type DocHeaderFile = z.infer<typeof docHeaderFileSchema>;

/** Drops empty values, so "set to empty" and "never set" are one state. */
function compact(s: DocHeaderSettings): DocHeaderSettings {
  const out: Record<string, unknown> = {};
  for (const key of DOC_HEADER_KEYS) {
    const v = s[key];
    if (Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v !== '') out[key] = v;
  }
  return out as DocHeaderSettings;
}

export function isDocHeaderKey(key: string): key is DocHeaderKey {
  return (DOC_HEADER_KEYS as readonly string[]).includes(key);
}

export class DocSettingsStore {
  private readonly kv: KvTable;

  constructor(private readonly db: Db) {
    this.kv = new KvTable(db.$client);
  }

  private get sql() {
    return this.db.$client;
  }

  get(unitPath: string): DocHeaderSettings {
    const stored = this.kv.get<unknown>(PREFIX + unitPath);
    if (stored === undefined) return {};
    // A row edited by hand into something invalid is ignored rather than printed.
    const parsed = docHeaderSettingsSchema.safeParse(stored);
    return parsed.success ? compact(parsed.data) : {};
  }

  /** Replaces the scope's settings; nothing left set removes the row. */
  put(unitPath: string, settings: DocHeaderSettings, now: number): void {
    const value = compact(settings);
    if (Object.keys(value).length === 0) {
      this.kv.delete(PREFIX + unitPath);
      return;
    }
    this.kv.set(PREFIX + unitPath, value, now);
  }

  /** Every scope with stored settings, by path. */
  all(): Array<{ path: string; settings: DocHeaderSettings }> {
    const rows = this.sql
      .prepare("SELECT key FROM kv WHERE key LIKE 'doc.header:%' ORDER BY key")
      .all() as Array<{ key: string }>;
    return rows
      .map((r) => r.key.slice(PREFIX.length))
      .map((path) => ({ path, settings: this.get(path) }))
      .filter((r) => Object.keys(r.settings).length > 0);
  }

  unitByPath(path: string): UnitRow | undefined {
    return toUnit(this.sql.prepare('SELECT * FROM units WHERE path = ?').get(path));
  }

  unit(id: number): UnitRow | undefined {
    return toUnit(this.sql.prepare('SELECT * FROM units WHERE id = ?').get(id));
  }

  /**
   * The veterans' association as the roster spells it for people working at or under the unit
   * ("Hội CCB"); the service is the association's, so that is also the answer when nobody has one.
   */
  organizationFor(unit: UnitRow): string {
    const rows = this.sql
      .prepare(
        `SELECT o.name AS name, COUNT(*) AS n
           FROM assignments a
           JOIN people p ON p.id = a.person_id
           JOIN organizations o ON o.id = p.organization_id
           JOIN units u ON u.id = a.unit_id
          WHERE a.to_at IS NULL AND p.active = 1 AND (u.path = ? OR substr(u.path, 1, ?) = ?)
          GROUP BY o.name
          ORDER BY n DESC, o.name`,
      )
      .all(unit.path, unit.path.length + 3, `${unit.path} > `) as Array<{ name: string }>;
    const ccb = rows.find((r) => /\bccb\b|cuu chien binh/.test(fold(r.name)));
    return ccb?.name ?? 'Hội CCB';
  }

  /** The scope's template: roster-derived fields, then its stored settings, over `base`. */
  resolve(unit: UnitRow, base: Readonly<DocTemplate> = DEFAULT_DOC_TEMPLATE): ResolvedDocTemplate {
    const parent = unit.parentId === null ? undefined : this.unit(unit.parentId);
    return resolveDocTemplate(unit, parent, this.organizationFor(unit), this.get(unit.path), base);
  }
}

/** "scopes.Tỉnh Bắc Ninh > Phường Trạm Lộ.recipients: dài quá 600 ký tự" */
function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

/**
 * Reads the documented file and stores its scopes, each replacing that scope's settings. The
 * whole file is checked first: on any error nothing is written and every problem is listed.
 */
export function importDocHeaderFile(
  db: Db,
  text: string,
  now: number,
): { ok: true; scopes: string[] } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, errors: [`không phải JSON hợp lệ (${(e as Error).message})`] };
  }
  const parsed = docHeaderFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `${issuePath(i.path) || '(gốc)'}: khóa không được hỗ trợ: ${i.keys.join(', ')}`
          : `${issuePath(i.path) || '(gốc)'}: ${i.message}`,
      ),
    };
  }
  const docs = new DocSettingsStore(db);
  const entries = Object.entries(parsed.data.scopes).map(([path, settings]) => ({
    path: path.normalize('NFC').trim(),
    settings,
  }));
  const errors = entries
    .filter((e) => !docs.unitByPath(e.path))
    .map((e) => `scopes."${e.path}": không có địa bàn này trong danh sách (cần đường dẫn đầy đủ)`);
  if (errors.length > 0) return { ok: false, errors };
  db.$client.transaction(() => {
    for (const e of entries) docs.put(e.path, e.settings, now);
  })();
  return { ok: true, scopes: entries.map((e) => e.path) };
}

/** The documented file's content for the given scopes' stored settings. */
export function exportDocHeaderFile(entries: Array<{ path: string; settings: DocHeaderSettings }>): string {
  const file: DocHeaderFile = {
    $comment:
      'Thiết lập văn bản báo cáo theo địa bàn (README, "Văn bản báo cáo"). Nhập lại bằng: namtinhhinh settings doc-header --import FILE',
    scopes: Object.fromEntries(entries.map((e) => [e.path, e.settings])),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
