/**
 * Reaching a person: their most recently active chat account that can still be reached, and the
 * formal document's template for a scope. Every use case that tells someone else goes through here.
 */
import type { OutboundMessage } from '../../domain/messages.js';
import { DEFAULT_DOC_TEMPLATE, type DocTemplate, type ResolvedDocTemplate } from '../../digest/template.js';
import { resolveDocTemplate } from '../../domain/docTemplate.js';
import type {
  AccountsRepo,
  AreasRepo,
  DocumentsRepo,
  KvRepo,
  OutboxRepo,
  UnitRow,
} from '../../store/ports.js';
import { DocSettingsStore } from '../../store/docSettings.js';
import { reachableAccount } from '../../store/schedule.js';
import type { AccountRow, Store } from '../../store/store.js';

/** What delivering needs: the person's accounts and the outbox. */
export interface DeliveryPorts {
  accounts: Pick<AccountsRepo, 'ofPerson'>;
  outbox: Pick<OutboxRepo, 'enqueue'>;
}

/**
 * Enqueues a message to a person on their most recently active account that can still be reached;
 * null when they have none (never linked, or every account blocked the bot), which the digest
 * reports as "không liên lạc được".
 */
export async function sendToPerson(
  ports: DeliveryPorts,
  personId: number,
  payload: OutboundMessage,
  now: number,
  opts: { dedupeKey?: string; ref?: string; notBefore?: number } = {},
): Promise<AccountRow | null> {
  const accounts = await ports.accounts.ofPerson(personId);
  const account = accounts.find((a) => a.unreachableAt === null && a.blockedAt === null);
  if (!account) return null;
  await ports.outbox.enqueue(account.channel, account.chatId, account.id, payload, now, opts);
  return account;
}

/** What the formal document's template is read from: the roster's units, the scope settings, kv. */
export interface TemplatePorts {
  areas: Pick<AreasRepo, 'unit' | 'organizationFor'>;
  documents: Pick<DocumentsRepo, 'docHeader'>;
  kv: Pick<KvRepo, 'get'>;
}

/**
 * The formal document's template for a scope: layout defaults with the installation-wide overrides
 * in kv 'digest.template', then the scope's body and place from the roster and its own settings
 * (`settings doc-header`).
 */
export async function resolvedDocTemplate(
  ports: TemplatePorts,
  unitId: number,
): Promise<ResolvedDocTemplate> {
  const unit = await ports.areas.unit(unitId);
  if (!unit) throw new Error(`unit ${unitId} not found`);
  return resolvedFor(ports, unit, await layoutTemplate(ports));
}

async function resolvedFor(
  ports: TemplatePorts,
  unit: UnitRow,
  base: DocTemplate,
): Promise<ResolvedDocTemplate> {
  const parent = unit.parentId === null ? undefined : await ports.areas.unit(unit.parentId);
  const [organization, settings] = await Promise.all([
    ports.areas.organizationFor(unit),
    ports.documents.docHeader(unit.path),
  ]);
  return resolveDocTemplate(unit, parent, organization, settings, base);
}

async function layoutTemplate(ports: Pick<TemplatePorts, 'kv'>): Promise<DocTemplate> {
  const custom = await ports.kv.get<Partial<DocTemplate>>('digest.template');
  return { ...DEFAULT_DOC_TEMPLATE, ...(custom ?? {}) };
}

/**
 * Without a unit (or for one no longer on the roster): the layout alone (number format, titles),
 * so a pending document is still sent, with dotted lines rather than another scope's names.
 */
export async function docTemplate(ports: TemplatePorts, unitId?: number): Promise<DocTemplate> {
  const base = await layoutTemplate(ports);
  const unit = unitId === undefined ? undefined : await ports.areas.unit(unitId);
  return unit ? (await resolvedFor(ports, unit, base)).template : base;
}

// The synchronous versions below serve the callers not yet on the unit of work's ports (issue 12).

/** What delivering needs of the store: the person's accounts and the outbox. */
export type DeliveryStoreSync = Parameters<typeof reachableAccount>[0] & Pick<Store, 'enqueue'>;

/**
 * Enqueues a message to a person on their reachable account; null when they have none (never
 * linked, or every account blocked the bot), which the digest reports as "không liên lạc được".
 */
export function sendToPersonSync(
  store: DeliveryStoreSync,
  personId: number,
  payload: OutboundMessage,
  now: number,
  opts: { dedupeKey?: string; ref?: string; notBefore?: number } = {},
): AccountRow | null {
  const account = reachableAccount(store, personId);
  if (!account) return null;
  store.enqueue(account.channel, account.chatId, account.id, payload, now, opts);
  return account;
}

/** What the template needs of the store: the database its settings live in, and kv. */
export type TemplateStoreSync = Pick<Store, 'db' | 'getKv'>;

/**
 * The formal document's template for a scope: layout defaults with the installation-wide overrides
 * in kv 'digest.template', then the scope's body and place from the roster and its own settings
 * (`settings doc-header`).
 */
export function resolvedDocTemplateSync(store: TemplateStoreSync, unitId: number): ResolvedDocTemplate {
  const docs = new DocSettingsStore(store.db);
  const unit = docs.unit(unitId);
  if (!unit) throw new Error(`unit ${unitId} not found`);
  return docs.resolve(unit, docTemplateSync(store));
}

/**
 * Without a unit (or for one no longer on the roster): the layout alone (number format, titles),
 * so a pending document is still sent, with dotted lines rather than another scope's names.
 */
export function docTemplateSync(store: TemplateStoreSync, unitId?: number): DocTemplate {
  if (unitId !== undefined && new DocSettingsStore(store.db).unit(unitId))
    return resolvedDocTemplateSync(store, unitId).template;
  const custom = store.getKv<Partial<DocTemplate>>('digest.template');
  return { ...DEFAULT_DOC_TEMPLATE, ...(custom ?? {}) };
}

/** "0912 000 001": a phone number as people read it aloud. */
export function displayPhone(e164: string | null): string | null {
  if (!e164) return null;
  const national = e164.startsWith('+84') ? `0${e164.slice(3)}` : e164;
  return national.length === 10
    ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`
    : national;
}
