/**
 * The documents an area issues: digests (with the number printed on the formal document) and the
 * formal document's settings per scope. The settings live in `kv` under `doc.header:<unit path>`:
 * a handful of rows read once per document, for which a table of their own would buy nothing.
 */
import { and, asc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { DOC_HEADER_KEYS, type DocHeaderSettings } from '../../domain/docTemplate.js';
import { cleanText } from '../../domain/text.js';
import type { Db } from '../db.js';
import type { DigestRow, NewDigest } from '../ports.js';
import { digests } from '../schema.js';
import { deleteKv, kvKeys, readKv, writeKv } from './kvValues.js';

export const DOC_HEADER_PREFIX = 'doc.header:';
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

/** Drops empty values, so "set to empty" and "never set" are one state. */
export function compactDocHeader(s: DocHeaderSettings): DocHeaderSettings {
  const out: DocHeaderSettings = {};
  for (const key of DOC_HEADER_KEYS) {
    const v = s[key];
    if (key === 'recipients') {
      if (Array.isArray(v) && v.length > 0) out.recipients = v;
    } else if (typeof v === 'string' && v !== '') out[key] = v;
  }
  return out;
}

const digestColumns = {
  id: digests.id,
  kind: digests.kind,
  unitId: digests.unitId,
  periodStart: digests.periodStart,
  periodEnd: digests.periodEnd,
  number: digests.number,
  createdAt: digests.createdAt,
  data: sql`${digests.data}`.mapWith({
    mapFromDriverValue: (v: string): Record<string, unknown> => JSON.parse(v),
  }),
};

export class SqliteDocuments {
  constructor(private readonly db: Db) {}

  insertDigest(d: NewDigest): number {
    return this.db.insert(digests).values(d).returning({ id: digests.id }).get().id;
  }

  digest(id: number): DigestRow | undefined {
    return this.db.select(digestColumns).from(digests).where(eq(digests.id, id)).get();
  }

  /** The number a document of this kind, area and period was issued with, if any (data left unread). */
  issuedDigestNumber(kind: string, unitId: number, periodStart: number): number | null {
    const r = this.db
      .select({ number: digests.number })
      .from(digests)
      .where(
        and(
          eq(digests.kind, kind),
          eq(digests.unitId, unitId),
          eq(digests.periodStart, periodStart),
          isNotNull(digests.number),
        ),
      )
      .orderBy(asc(digests.id))
      .limit(1)
      .get();
    return r?.number ?? null;
  }

  /** The highest number an area's documents created in [from, to) carry; 0 when none. */
  maxDigestNumber(unitId: number, from: number, to: number): number {
    const r = this.db
      .select({ n: sql<number | null>`max(${digests.number})` })
      .from(digests)
      .where(and(eq(digests.unitId, unitId), gte(digests.createdAt, from), lt(digests.createdAt, to)))
      .get();
    return r?.n ?? 0;
  }

  digests(): DigestRow[] {
    return this.db.select(digestColumns).from(digests).orderBy(asc(digests.id)).all();
  }

  /** Digests whose formal document has not been rendered and queued yet. */
  digestsAwaitingDocument(): DigestRow[] {
    return this.db
      .select(digestColumns)
      .from(digests)
      .where(sql`json_extract(${digests.data}, '$.document') = 'pending'`)
      .orderBy(asc(digests.id))
      .all();
  }

  updateDigestData(id: number, data: Record<string, unknown>): void {
    this.db.update(digests).set({ data }).where(eq(digests.id, id)).run();
  }

  // ---- the formal document's settings, by scope path (validated by the caller) -------------

  /** A scope's settings; a row edited by hand into something invalid is ignored rather than printed. */
  docHeader(unitPath: string): DocHeaderSettings {
    const stored = readKv(this.db, DOC_HEADER_PREFIX + unitPath);
    if (stored === undefined) return {};
    const parsed = docHeaderSettingsSchema.safeParse(stored);
    return parsed.success ? compactDocHeader(parsed.data) : {};
  }

  /** Replaces the scope's settings; nothing left set removes the row. */
  putDocHeader(unitPath: string, settings: DocHeaderSettings, now: number): void {
    const value = compactDocHeader(settings);
    if (Object.keys(value).length === 0) deleteKv(this.db, DOC_HEADER_PREFIX + unitPath);
    else writeKv(this.db, DOC_HEADER_PREFIX + unitPath, value, now);
  }

  /** Every scope with stored settings, by path. */
  docHeaders(): Array<{ path: string; settings: DocHeaderSettings }> {
    return kvKeys(this.db, DOC_HEADER_PREFIX)
      .map((k) => k.slice(DOC_HEADER_PREFIX.length))
      .map((path) => ({ path, settings: this.docHeader(path) }))
      .filter((r) => Object.keys(r.settings).length > 0);
  }
}
