/**
 * The leader's digest at the deadline (brief §5.1–§5.3): for each area a truong_nhom leads (with
 * everything under it), the leader's text with names, the formal DOCX numbered "Số: NN-BC/…" from
 * a yearly counter, and the network's text (counts only) to each thanh_vien and registered
 * network group inside it, compiled for the unit of their own assignment or registration.
 *
 * The DOCX is rendered asynchronously, so it cannot be made inside the transaction that claims the
 * occurrence. That transaction stores the compiled model in `digests` with `document: 'pending'`;
 * rendering and queueing the file happen right after (documents.ts), and any digest left pending by
 * a crash is finished by the next tick. Nothing is lost and nothing is sent twice (outbox dedupe keys).
 */
import type { Occurrence } from '../../domain/schedule.js';
import { renderDigestText } from '../../digest/text.js';
import type {
  AreasRepo,
  DocumentsRepo,
  NetworkGroupsRepo,
  ScheduleRunsRepo,
  UnitRow,
} from '../../store/ports.js';
import { isAtOrUnder } from '../../store/units.js';
import { sendToPerson, type DeliveryPorts } from '../delivery/delivery.js';
import {
  compileFor,
  jobOf,
  leaderScopes,
  type CompilePorts,
  type DigestJob,
  type LeaderScope,
} from './jobs.js';
import { markLate } from './late.js';
import { fullDigestButton, issueNumber, type NumberingPorts } from './register.js';

/** The repositories of the unit of work that claims the occurrence and queues its messages. */
export interface FirePorts extends CompilePorts, NumberingPorts, DeliveryPorts {
  scheduleRuns: Pick<ScheduleRunsRepo, 'claimRun'>;
  areas: Pick<AreasRepo, 'roleHolders' | 'unit' | 'subtree'>;
  documents: Pick<DocumentsRepo, 'issuedDigestNumber' | 'maxDigestNumber' | 'insertDigest'>;
  networkGroups: Pick<NetworkGroupsRepo, 'activeOf'>;
}

export interface DigestRunResult {
  digests: number;
  messages: number;
}

/** One firing: the occurrence, what it covers, and how late it is. */
interface Firing {
  o: Occurrence;
  job: DigestJob;
  now: number;
  generatedAt: Date;
  late: number | false;
  /** How many areas each leader leads: their document's file name then names the area. */
  areasOf: Map<number, number>;
}

const lateText = (f: Firing, text: string) => (f.late !== false ? markLate(text, f.late) : text);

/**
 * Fires one digest occurrence inside the caller's unit of work; null when another tick or process
 * had already claimed it. The documents are queued afterwards by `queuePendingDocuments`.
 */
export async function fireDigest(
  ports: FirePorts,
  o: Occurrence,
  now: number,
  /** The delay to state when the service was not ticking at the digest's time; false otherwise. */
  late: number | false,
): Promise<DigestRunResult | null> {
  const occ = o.at.getTime();
  if (!(await ports.scheduleRuns.claimRun(o.ruleId, occ, now, late !== false ? 'sent_late' : 'sent')))
    return null;
  const scopes = await leaderScopes(ports);
  const areasOf = new Map<number, number>();
  for (const s of scopes)
    for (const l of s.leaders) areasOf.set(l.personId, (areasOf.get(l.personId) ?? 0) + 1);
  const f: Firing = { o, job: jobOf(o, ports.schedule()), now, generatedAt: new Date(now), late, areasOf };
  const result: DigestRunResult = { digests: 0, messages: 0 };
  const networkTexts = new Map<number, string>();
  for (const scope of scopes) {
    const sent = await sendScopeDigest(ports, f, scope);
    result.digests++;
    result.messages += sent.messages;
    networkTexts.set(scope.root.id, sent.networkText);
  }
  result.messages += await deliverToNetwork(
    ports,
    scopes,
    networkTexts,
    (root) => lateText(f, renderDigestText(compileFor(ports, root, f.job, f.generatedAt).digest, 'network')),
    { now, dedupe: `${o.ruleId}:${occ}` },
  );
  return result;
}

/** Compiles, numbers and records one leader's area, and sends the leader's text to its leaders. */
async function sendScopeDigest(
  ports: FirePorts,
  f: Firing,
  scope: LeaderScope,
): Promise<{ messages: number; networkText: string }> {
  const { o, job, now } = f;
  const occ = o.at.getTime();
  const { digest } = compileFor(ports, scope.root, job, f.generatedAt);
  const number = await issueNumber(
    ports,
    { kind: job.kind, unitId: scope.root.id, periodStart: job.period.start.getTime() },
    f.generatedAt,
  );
  const leaderText = lateText(f, renderDigestText(digest, 'leader'));
  const networkText = lateText(f, renderDigestText(digest, 'network'));
  const digestId = await ports.documents.insertDigest({
    kind: job.kind,
    unitId: scope.root.id,
    periodStart: job.period.start.getTime(),
    periodEnd: job.period.end.getTime(),
    number,
    createdAt: now,
    data: {
      ruleId: o.ruleId,
      occurrenceAt: occ,
      late: f.late !== false,
      document: 'pending',
      leaders: scope.leaders.map((l) => l.personId),
      multipleAreas: scope.leaders.filter((l) => (f.areasOf.get(l.personId) ?? 0) > 1).map((l) => l.personId),
      model: digest,
    },
  });
  let messages = 0;
  for (const l of scope.leaders) {
    const sent = await sendToPerson(
      ports,
      l.personId,
      { type: 'message', text: leaderText, choices: [[fullDigestButton(digestId)]] },
      now,
      { dedupeKey: `${o.ruleId}:${occ}:${l.personId}:${scope.root.id}` },
    );
    if (sent) messages++;
  }
  return { messages, networkText };
}

/**
 * Members of the network and registered network groups get the redacted digest of the unit of
 * their own assignment or registration (DESIGN.md §5), never that of a wider area above it: a
 * ward's member must not read the whole town's digest because the town's leader is above the ward.
 * Only units inside some leader's area are served, as before. Returns the messages queued.
 */
async function deliverToNetwork(
  ports: FirePorts,
  scopes: LeaderScope[],
  known: Map<number, string>,
  render: (root: UnitRow) => string,
  opts: { now: number; dedupe: string },
): Promise<number> {
  const textFor = (unit: UnitRow): string => {
    let text = known.get(unit.id);
    if (text === undefined) known.set(unit.id, (text = render(unit)));
    return text;
  };
  // Members first, then groups: the order their rows are queued in.
  const members = await deliverToMembers(ports, scopes, textFor, opts);
  return members + (await deliverToGroups(ports, scopes, textFor, opts));
}

async function deliverToMembers(
  ports: FirePorts,
  scopes: LeaderScope[],
  textFor: (unit: UnitRow) => string,
  opts: { now: number; dedupe: string },
): Promise<number> {
  let messages = 0;
  const sentToMember = new Set<string>();
  for (const m of await ports.areas.roleHolders('thanh_vien')) {
    const containing = scopes.filter((s) => isAtOrUnder(m.unitPath, s.root.path));
    if (containing.length === 0) continue;
    // A leader of the area already has the fuller version.
    if (containing.some((s) => s.leaders.some((l) => l.personId === m.personId))) continue;
    const key = `${m.personId}:${m.unitId}`;
    const unit = await ports.areas.unit(m.unitId);
    if (sentToMember.has(key) || !unit) continue;
    sentToMember.add(key);
    const sent = await sendToPerson(ports, m.personId, { type: 'message', text: textFor(unit) }, opts.now, {
      dedupeKey: `${opts.dedupe}:${m.personId}:${m.unitId}:net`,
    });
    if (sent) messages++;
  }
  return messages;
}

async function deliverToGroups(
  ports: FirePorts,
  scopes: LeaderScope[],
  textFor: (unit: UnitRow) => string,
  opts: { now: number; dedupe: string },
): Promise<number> {
  let messages = 0;
  const seenUnits = new Set<number>();
  for (const s of scopes) {
    for (const unit of await ports.areas.subtree(s.root)) {
      if (seenUnits.has(unit.id)) continue;
      seenUnits.add(unit.id);
      for (const g of await ports.networkGroups.activeOf(unit.id)) {
        await ports.outbox.enqueue(
          g.channel,
          g.chatId,
          null,
          { type: 'message', text: textFor(unit) },
          opts.now,
          {
            dedupeKey: `${opts.dedupe}:g${g.id}`,
          },
        );
        messages++;
      }
    }
  }
  return messages;
}
