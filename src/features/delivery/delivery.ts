/**
 * Reaching a person: their most recently active chat account that can still be reached, and the
 * formal document's template for a scope. Every use case that tells someone else goes through here.
 */
import type { OutboundMessage } from '../../domain/messages.js';
import { DEFAULT_DOC_TEMPLATE, type DocTemplate, type ResolvedDocTemplate } from '../../digest/template.js';
import { DocSettingsStore } from '../../store/docSettings.js';
import { reachableAccount } from '../../store/schedule.js';
import type { AccountRow, Store } from '../../store/store.js';

/** What delivering needs of the store: the person's accounts and the outbox. */
export type DeliveryStore = Parameters<typeof reachableAccount>[0] & Pick<Store, 'enqueue'>;

/**
 * Enqueues a message to a person on their reachable account; null when they have none (never
 * linked, or every account blocked the bot), which the digest reports as "không liên lạc được".
 */
export function sendToPerson(
  store: DeliveryStore,
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
export type TemplateStore = Pick<Store, 'db' | 'getKv'>;

/**
 * The formal document's template for a scope: layout defaults with the installation-wide overrides
 * in kv 'digest.template', then the scope's body and place from the roster and its own settings
 * (`settings doc-header`).
 */
export function resolvedDocTemplate(store: TemplateStore, unitId: number): ResolvedDocTemplate {
  const docs = new DocSettingsStore(store.db);
  const unit = docs.unit(unitId);
  if (!unit) throw new Error(`unit ${unitId} not found`);
  return docs.resolve(unit, docTemplate(store));
}

/**
 * Without a unit (or for one no longer on the roster): the layout alone (number format, titles),
 * so a pending document is still sent, with dotted lines rather than another scope's names.
 */
export function docTemplate(store: TemplateStore, unitId?: number): DocTemplate {
  if (unitId !== undefined && new DocSettingsStore(store.db).unit(unitId))
    return resolvedDocTemplate(store, unitId).template;
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
