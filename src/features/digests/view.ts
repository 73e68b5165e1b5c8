/**
 * The digest on demand: the current week so far for a leader (names), a member or a network group
 * (counts only), and the full text and DOCX again under a scheduled digest, to a leader of its area.
 */
import { weeklyPeriodAt } from '../../domain/calendar.js';
import { weeklyRuleOf } from '../../domain/schedule.js';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { Digest } from '../../digest/model.js';
import { docNumberLine } from '../../digest/template.js';
import type { DigestRow, SchedulerStore } from '../../store/schedule.js';
import type { Store } from '../../store/store.js';
import { isAtOrUnder, type UnitRow } from '../../store/units.js';
import { docTemplateSync, type TemplateStoreSync } from '../delivery/delivery.js';
import { compileFor, leaderScopes, weeklyJob, type CompilePorts } from './jobs.js';
import { DOCX_MIME, documentFileName, reviveDigest } from './register.js';

export interface ViewPorts extends CompilePorts {
  store: TemplateStoreSync & Pick<Store, 'audit'>;
  repo: Pick<SchedulerStore, 'roleHolders' | 'unit' | 'networkGroupByChat' | 'digest'>;
}

/** This week's digest so far for an area. */
export function currentDigest(ports: CompilePorts, root: UnitRow, now: number): Digest {
  const period = weeklyPeriodAt(new Date(now), weeklyRuleOf(ports.schedule()));
  return compileFor(ports, root, weeklyJob(period), new Date(now)).digest;
}

/** The leader's own areas, an area inside another of theirs left out. */
export function leaderRoots(repo: ViewPorts['repo'], personId: number): UnitRow[] {
  return leaderScopes(repo)
    .filter((s) => s.leaders.some((l) => l.personId === personId))
    .map((s) => s.root);
}

/** The member's own areas, an area inside another of theirs left out. */
export function memberRoots(repo: ViewPorts['repo'], personId: number): UnitRow[] {
  const units = repo
    .roleHolders('thanh_vien')
    .filter((h) => h.personId === personId)
    .map((h) => repo.unit(h.unitId))
    .filter((u): u is UnitRow => u !== undefined);
  return units.filter((u) => !units.some((o) => o !== u && u.path.startsWith(`${o.path} > `)));
}

/** The digest of a registered network group's area; null for a group not registered. */
export function groupDigest(
  ports: ViewPorts,
  input: { channel: ChannelName; chatId: string; now: number },
): Digest | null {
  const group = ports.repo.networkGroupByChat(input.channel, input.chatId);
  const root = group ? ports.repo.unit(group.unitId) : undefined;
  return root ? currentDigest(ports, root, input.now) : null;
}

/** A leader's digests of this week so far, one per area they lead; the view is audited. */
export function leaderDigests(
  ports: ViewPorts,
  input: { personId: number; accountId: number; now: number },
): Digest[] {
  const digests = leaderRoots(ports.repo, input.personId).map((root) =>
    currentDigest(ports, root, input.now),
  );
  ports.store.audit(
    'digest_view',
    { personId: input.personId, accountId: input.accountId, subject: 'leader' },
    input.now,
  );
  return digests;
}

export function memberDigests(ports: ViewPorts, input: { personId: number; now: number }): Digest[] {
  return memberRoots(ports.repo, input.personId).map((root) => currentDigest(ports, root, input.now));
}

export interface FullDocument {
  fileName: string;
  mimeType: string;
  base64: string;
  caption: string;
}

export type FullDigest =
  | { status: 'expired' }
  | { status: 'refused' }
  | { status: 'shown'; digest: Digest; document: FullDocument | null; documentState: unknown };

/**
 * "Xem báo cáo đầy đủ" under a scheduled digest: the full digest and its DOCX, to a leader of that
 * area (or of an area above it) who presses it, never in a group; the view is audited.
 */
export function fullDigest(
  ports: ViewPorts,
  input: { digestId: number; personId: number | null; accountId: number; inGroup: boolean; now: number },
): FullDigest {
  const row = ports.repo.digest(input.digestId);
  const root = row ? ports.repo.unit(row.unitId) : undefined;
  if (!row || !root || !row.data.model) return { status: 'expired' };
  const personId = input.personId;
  const leads =
    personId !== null &&
    !input.inGroup &&
    ports.repo
      .roleHolders('truong_nhom')
      .some((h) => h.personId === personId && isAtOrUnder(root.path, h.unitPath));
  if (personId === null || !leads) return { status: 'refused' };
  const digest = reviveDigest(row.data.model);
  const document = storedDocument(ports, row, digest, personId);
  ports.store.audit(
    'digest_view',
    { personId, accountId: input.accountId, subject: `digest:${row.id}` },
    input.now,
  );
  return { status: 'shown', digest, document, documentState: row.data.document };
}

function storedDocument(
  ports: ViewPorts,
  row: DigestRow,
  digest: Digest,
  personId: number,
): FullDocument | null {
  const docx = row.data.docx;
  if (typeof docx !== 'string') return null;
  const multi = leaderRoots(ports.repo, personId).length > 1;
  return {
    fileName: documentFileName(
      digest.kind,
      { start: new Date(row.periodStart), end: new Date(row.periodEnd) },
      multi ? digest.root.name : undefined,
    ),
    mimeType: DOCX_MIME,
    base64: docx,
    caption: `${docNumberLine(docTemplateSync(ports.store, row.unitId), row.number)} – ${digest.root.name}`,
  };
}
