/**
 * The formal document's settings per scope (README, "Văn bản báo cáo"). They live in `kv` under
 * `doc.header:<unit path>`: a handful of rows read once per document, for which a table of their
 * own would buy nothing. The path is the unit's identity on the roster, so an exported file reads
 * as the roster does and imports into another installation with the same roster.
 */
import { z } from 'zod';
import {
  DEFAULT_DOC_TEMPLATE,
  DOC_HEADER_KEYS,
  resolveDocTemplate,
  type DocHeaderKey,
  type DocHeaderSettings,
  type DocTemplate,
  type ResolvedDocTemplate,
} from '../domain/docTemplate.js';
import type { Db } from './db.js';
import type { UnitRow } from './ports.js';
import { SqliteAreas } from './repos/areas.js';
import { docHeaderSettingsSchema, SqliteDocuments } from './repos/documents.js';

export { docHeaderSettingsSchema } from './repos/documents.js';

/** The documented file (config/doc-header.example.json): settings by unit path. */
export const docHeaderFileSchema = z
  .object({
    $comment: z.string().optional(),
    scopes: z.record(z.string(), docHeaderSettingsSchema),
  })
  .strict();
export type DocHeaderFile = z.infer<typeof docHeaderFileSchema>;

export function isDocHeaderKey(key: string): key is DocHeaderKey {
  return (DOC_HEADER_KEYS as readonly string[]).includes(key);
}

/** The formal document's settings as callers outside the store know them: delegates to ./repos. */
export class DocSettingsStore {
  private readonly documents: SqliteDocuments;
  private readonly areas: SqliteAreas;

  constructor(db: Db) {
    this.documents = new SqliteDocuments(db);
    this.areas = new SqliteAreas(db);
  }

  get(unitPath: string): DocHeaderSettings {
    return this.documents.docHeader(unitPath);
  }

  /** Replaces the scope's settings; nothing left set removes the row. */
  put(unitPath: string, settings: DocHeaderSettings, now: number): void {
    this.documents.putDocHeader(unitPath, settings, now);
  }

  /** Every scope with stored settings, by path. */
  all(): Array<{ path: string; settings: DocHeaderSettings }> {
    return this.documents.docHeaders();
  }

  unitByPath(path: string): UnitRow | undefined {
    return this.areas.unitByPath(path);
  }

  unit(id: number): UnitRow | undefined {
    return this.areas.unit(id);
  }

  organizationFor(unit: UnitRow): string {
    return this.areas.organizationFor(unit);
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
