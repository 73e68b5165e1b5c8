/**
 * The digest on demand: the current week so far for a leader (names), a member or a network group
 * (counts only), and the full text and DOCX again under a scheduled digest, to a leader of its area.
 */
import { weeklyPeriodAt } from '../../domain/calendar.js';
import { weeklyRuleOf } from '../../domain/schedule.js';
import type { ChannelName } from '../../domain/vocabulary.js';
import type { Digest } from '../../digest/model.js';
import { docNumberLine } from '../../digest/template.js';
import type {
  AreasRepo,
  AuditRepo,
  DigestRow,
  DocumentsRepo,
  NetworkGroupsRepo,
  UnitRow,
} from '../../store/ports.js';
import { isAtOrUnder } from '../../store/units.js';
import { docTemplate, type TemplatePorts } from '../delivery/delivery.js';
import { compileFor, leaderScopes, weeklyJob, type CompilePorts, type ScopePorts } from './jobs.js';
import { DOCX_MIME, documentFileName, reviveDigest } from './register.js';

/** The repositories of the chat turn's unit of work, and what compiling a digest reads. */
export interface ViewPorts extends CompilePorts, ScopePorts, TemplatePorts {
  areas: Pick<AreasRepo, 'roleHolders' | 'unit' | 'organizationFor'>;
  documents: Pick<DocumentsRepo, 'digest' | 'docHeader'>;
  networkGroups: Pick<NetworkGroupsRepo, 'activeByChat'>;
  audit: Pick<AuditRepo, 'record'>;
}

/** This week's digest so far for an area. */
export function currentDigest(ports: CompilePorts, root: UnitRow, now: number): Digest {
  const period = weeklyPeriodAt(new Date(now), weeklyRuleOf(ports.schedule()));
  return compileFor(ports, root, weeklyJob(period), new Date(now)).digest;
}

/** The leader's own areas, an area inside another of theirs left out. */
export async function leaderRoots(ports: ScopePorts, personId: number): Promise<UnitRow[]> {
  return (await leaderScopes(ports))
    .filter((s) => s.leaders.some((l) => l.personId === personId))
    .map((s) => s.root);
}

/** The member's own areas, an area inside another of theirs left out. */
export async function memberRoots(ports: ScopePorts, personId: number): Promise<UnitRow[]> {
  const units: UnitRow[] = [];
  for (const h of await ports.areas.roleHolders('thanh_vien')) {
    if (h.personId !== personId) continue;
    const u = await ports.areas.unit(h.unitId);
    if (u !== undefined) units.push(u);
  }
  return units.filter((u) => !units.some((o) => o !== u && u.path.startsWith(`${o.path} > `)));
}

/** The digest of a registered network group's area; null for a group not registered. */
export async function groupDigest(
  ports: ViewPorts,
  input: { channel: ChannelName; chatId: string; now: number },
): Promise<Digest | null> {
  const group = await ports.networkGroups.activeByChat(input.channel, input.chatId);
  const root = group ? await ports.areas.unit(group.unitId) : undefined;
  return root ? currentDigest(ports, root, input.now) : null;
}

/** A leader's digests of this week so far, one per area they lead; the view is audited. */
export async function leaderDigests(
  ports: ViewPorts,
  input: { personId: number; accountId: number; now: number },
): Promise<Digest[]> {
  const digests = (await leaderRoots(ports, input.personId)).map((root) =>
    currentDigest(ports, root, input.now),
  );
  await ports.audit.record(
    'digest_view',
    { personId: input.personId, accountId: input.accountId, subject: 'leader' },
    input.now,
  );
  return digests;
}

export async function memberDigests(
  ports: ViewPorts,
  input: { personId: number; now: number },
): Promise<Digest[]> {
  return (await memberRoots(ports, input.personId)).map((root) => currentDigest(ports, root, input.now));
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
export async function fullDigest(
  ports: ViewPorts,
  input: { digestId: number; personId: number | null; accountId: number; inGroup: boolean; now: number },
): Promise<FullDigest> {
  const row = await ports.documents.digest(input.digestId);
  const root = row ? await ports.areas.unit(row.unitId) : undefined;
  if (!row || !root || !row.data.model) return { status: 'expired' };
  const personId = input.personId;
  const leads =
    personId !== null &&
    !input.inGroup &&
    (await ports.areas.roleHolders('truong_nhom')).some(
      (h) => h.personId === personId && isAtOrUnder(root.path, h.unitPath),
    );
  if (personId === null || !leads) return { status: 'refused' };
  const digest = reviveDigest(row.data.model);
  const document = await storedDocument(ports, row, digest, personId);
  await ports.audit.record(
    'digest_view',
    { personId, accountId: input.accountId, subject: `digest:${row.id}` },
    input.now,
  );
  return { status: 'shown', digest, document, documentState: row.data.document };
}

async function storedDocument(
  ports: ViewPorts,
  row: DigestRow,
  digest: Digest,
  personId: number,
): Promise<FullDocument | null> {
  const docx = row.data.docx;
  if (typeof docx !== 'string') return null;
  const multi = (await leaderRoots(ports, personId)).length > 1;
  const template = await docTemplate(ports, row.unitId);
  return {
    fileName: documentFileName(
      digest.kind,
      { start: new Date(row.periodStart), end: new Date(row.periodEnd) },
      multi ? digest.root.name : undefined,
    ),
    mimeType: DOCX_MIME,
    base64: docx,
    caption: `${docNumberLine(template, row.number)} – ${digest.root.name}`,
  };
}
