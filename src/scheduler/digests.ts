/**
 * The leader's digest at the deadline (brief §5.1–§5.3): for each area a truong_nhom leads (with
 * everything under it), the leader's text with names, the formal DOCX numbered "Số: NN-BC/…" from
 * a yearly counter, and the network's text (counts only) to each thanh_vien and registered
 * network group inside it, compiled for the unit of their own assignment or registration.
 *
 * The DOCX is rendered asynchronously, so it cannot be made inside the transaction that claims the
 * occurrence. That transaction stores the compiled model in `digests` with `document: 'pending'`;
 * rendering and queueing the file happen right after, and any digest left pending by a crash is
 * finished by the next tick. Nothing is lost and nothing is sent twice (outbox dedupe keys).
 */
import {
  formatDate,
  previousPeriod,
  fromLocal,
  toLocal,
  periodicPeriodAt,
  type Period,
  type PeriodicKind,
} from '../domain/calendar.js';
import { fold } from '../domain/text.js';
import { docNumberLine } from '../digest/template.js';
import { periodNoun } from '../digest/labels.js';
import {
  compileDigest,
  reportingOf,
  type Digest,
  type DigestInput,
  type DigestKind,
} from '../digest/model.js';
import { FULL_DIGEST_LABEL, renderDigestText } from '../digest/text.js';
import { buildDigestInput } from '../store/digestInput.js';
import type { RoleHolder, SchedulerStore } from '../store/schedule.js';
import { isAtOrUnder, type UnitRow } from '../store/units.js';
import type { ReportKind } from '../domain/vocabulary.js';
import { docTemplate, sendToPerson, type SchedulerDeps } from './deps.js';
import { lateNote } from './late.js';
import { periodicRuleOf, type Occurrence, type ScheduleConfig } from '../domain/schedule.js';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** What one digest covers: the period, its predecessor for the comparison, and the report kinds read. */
export interface DigestJob {
  kind: DigestKind;
  reportKinds: ReportKind[];
  period: Period;
  previous: Period;
}

export function weeklyJob(period: Period): DigestJob {
  return { kind: 'weekly', reportKinds: ['weekly'], period, previous: previousPeriod(period) };
}

/** The window of the same kind just before `period` (its report fell due at the window's start). */
function previousWindow(kind: PeriodicKind, period: Period, config: ScheduleConfig): Period {
  const p = periodicPeriodAt(kind, new Date(period.start.getTime() - 1), periodicRuleOf(config));
  return { start: p.start, end: p.end };
}

export function periodicJob(
  kind: PeriodicKind,
  covers: ReportKind[],
  period: Period,
  config: ScheduleConfig,
): DigestJob {
  return { kind, reportKinds: covers, period, previous: previousWindow(kind, period, config) };
}

export function jobOf(o: Occurrence, config: ScheduleConfig): DigestJob {
  if (o.reportKind === 'weekly') return weeklyJob(o.period);
  // A combined occurrence is filed as one report of its widest kind, and its digest reads that.
  return periodicJob(o.reportKind, [o.reportKind], o.period, config);
}

/** A leader's area with every leader of it; an area inside another area of the same leader is left out. */
export interface LeaderScope {
  root: UnitRow;
  leaders: RoleHolder[];
}

export function leaderScopes(repo: SchedulerStore): LeaderScope[] {
  const holders = repo.roleHolders('truong_nhom');
  const byPerson = new Map<number, RoleHolder[]>();
  for (const h of holders) byPerson.set(h.personId, [...(byPerson.get(h.personId) ?? []), h]);
  const scopes = new Map<number, LeaderScope>();
  for (const list of byPerson.values()) {
    for (const h of list) {
      const nested = list.some((o) => o !== h && h.unitPath.startsWith(`${o.unitPath} > `));
      if (nested) continue;
      let s = scopes.get(h.unitId);
      if (!s) {
        const root = repo.unit(h.unitId);
        if (!root) continue;
        scopes.set(h.unitId, (s = { root, leaders: [] }));
      }
      if (!s.leaders.some((l) => l.personId === h.personId)) s.leaders.push(h);
    }
  }
  return [...scopes.values()].sort((a, b) => a.root.path.localeCompare(b.root.path, 'vi'));
}

export function compileFor(
  deps: SchedulerDeps,
  root: UnitRow,
  job: DigestJob,
  generatedAt: Date,
): { input: DigestInput; digest: Digest } {
  const input = buildDigestInput(deps.store.db, {
    kind: job.kind,
    root,
    period: job.period,
    previous: job.previous,
    reportKinds: job.reportKinds,
    generatedAt,
    intakeWorkingDays: deps.schedule().caseIntake.workingDays,
  });
  return { input, digest: compileDigest(input) };
}

export const FULL_DIGEST_PREFIX = 'full';

/** Under the leader's digest: sends the full text and the DOCX to the leader who presses it. */
export function fullDigestButton(digestId: number): { label: string; data: string } {
  return { label: FULL_DIGEST_LABEL, data: `${FULL_DIGEST_PREFIX}:${digestId}` };
}

/** The late note goes on the heading line, so the text stays within its 15 lines. */
export function markLate(text: string, delayMs: number): string {
  const [first = '', ...rest] = text.split('\n');
  return [`${first} ${lateNote(delayMs)}`, ...rest].join('\n');
}

/** "Báo cáo tuần 03-12-2026.docx", "Báo cáo quý IV-2026.docx"; the area is added when a leader gets several. */
export function documentFileName(kind: DigestKind, period: Period, area?: string): string {
  const { y, m } = toLocal(period.end);
  const name =
    kind === 'weekly'
      ? `Báo cáo tuần ${formatDate(period.end).replace(/\//g, '-')}`
      : kind === 'monthly'
        ? `Báo cáo tháng ${String(m).padStart(2, '0')}-${y}`
        : `Báo cáo ${periodNoun(kind, period).replace(/\//g, '-')}`;
  const safeArea = area ? ` - ${area.replace(/[\\/:*?"<>|]/g, '')}` : '';
  return `${name}${safeArea}.docx`.normalize('NFC');
}

export interface DocumentKey {
  kind: string;
  unitId: number;
  periodStart: number;
}

/** The number already given to this kind of document for this area and period, if any. */
export function issuedNumber(deps: SchedulerDeps, doc: DocumentKey): number | null {
  return deps.repo.issuedDigestNumber(doc.kind, doc.unitId, doc.periodStart);
}

/**
 * The number on the formal document "Số: NN-BC/…". Each issuing body (the scope's root unit) numbers
 * its own documents, restarting every 1 January (brief §5.3); a document already issued for the same
 * kind, area and period keeps its number, so an official export and the scheduled send are one document.
 */
export function issueNumber(deps: SchedulerDeps, doc: DocumentKey, at: Date): number {
  const issued = issuedNumber(deps, doc);
  if (issued !== null) return issued;
  const year = toLocal(at).y;
  // Numbers this body already carries this year (before numbering was per body, one counter served
  // all): the next one follows them, so an upgraded installation never issues a number twice.
  const used = deps.repo.maxDigestNumber(
    doc.unitId,
    fromLocal(year, 1, 1).getTime(),
    fromLocal(year + 1, 1, 1).getTime(),
  );
  return deps.store.nextCounter(`doc.BC.${doc.unitId}.${year}`, used);
}

const DATE_KEYS = new Set(['start', 'end', 'generatedAt', 'submittedAt', 'createdAt', 'updatedAt']);

/** A digest model read back from JSON, with its dates as dates again. */
export function reviveDigest(json: unknown): Digest {
  const d = JSON.parse(JSON.stringify(json), (key, value: unknown) =>
    DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value,
  ) as Digest;
  // Stored before the one count of who reported existed (issue 11): derived from its coverage.
  d.reporting ??= reportingOf(d.coverage);
  return d;
}

interface DigestRunResult {
  digests: number;
  messages: number;
}

/**
 * Fires one digest occurrence inside the caller's transaction; false when another tick or process
 * had already claimed it. The documents are queued afterwards by `queuePendingDocuments`.
 */
export function fireDigest(
  deps: SchedulerDeps,
  o: Occurrence,
  now: number,
  /** The delay to state when the service was not ticking at the digest's time; false otherwise. */
  late: number | false,
): DigestRunResult | null {
  const { store, repo } = deps;
  const occ = o.at.getTime();
  if (!repo.claimRun(o.ruleId, occ, now, late !== false ? 'sent_late' : 'sent')) return null;
  const job = jobOf(o, deps.schedule());
  const scopes = leaderScopes(repo);
  const leaderRoots = new Map<number, number>();
  for (const s of scopes)
    for (const l of s.leaders) leaderRoots.set(l.personId, (leaderRoots.get(l.personId) ?? 0) + 1);
  const result: DigestRunResult = { digests: 0, messages: 0 };
  const generatedAt = new Date(now);
  const networkTexts = new Map<number, string>();

  for (const scope of scopes) {
    const { digest } = compileFor(deps, scope.root, job, generatedAt);
    const number = issueNumber(
      deps,
      { kind: job.kind, unitId: scope.root.id, periodStart: job.period.start.getTime() },
      generatedAt,
    );
    let leaderText = renderDigestText(digest, 'leader');
    let networkText = renderDigestText(digest, 'network');
    if (late !== false) {
      leaderText = markLate(leaderText, late);
      networkText = markLate(networkText, late);
    }
    const digestId = repo.insertDigest({
      kind: job.kind,
      unitId: scope.root.id,
      periodStart: job.period.start.getTime(),
      periodEnd: job.period.end.getTime(),
      number,
      createdAt: now,
      data: {
        ruleId: o.ruleId,
        occurrenceAt: occ,
        late: late !== false,
        document: 'pending',
        leaders: scope.leaders.map((l) => l.personId),
        multipleAreas: scope.leaders
          .filter((l) => (leaderRoots.get(l.personId) ?? 0) > 1)
          .map((l) => l.personId),
        model: digest,
      },
    });
    result.digests++;
    for (const l of scope.leaders) {
      const sent = sendToPerson(
        store,
        l.personId,
        { type: 'message', text: leaderText, choices: [[fullDigestButton(digestId)]] },
        now,
        { dedupeKey: `${o.ruleId}:${occ}:${l.personId}:${scope.root.id}` },
      );
      if (sent) result.messages++;
    }
    networkTexts.set(scope.root.id, networkText);
  }
  result.messages += deliverToNetwork(
    deps,
    scopes,
    networkTexts,
    (root) => {
      const text = renderDigestText(compileFor(deps, root, job, generatedAt).digest, 'network');
      return late !== false ? markLate(text, late) : text;
    },
    { now, dedupe: `${o.ruleId}:${occ}` },
  );
  return result;
}

/**
 * Members of the network and registered network groups get the redacted digest of the unit of
 * their own assignment or registration (DESIGN.md §5), never that of a wider area above it: a
 * ward's member must not read the whole town's digest because the town's leader is above the ward.
 * Only units inside some leader's area are served, as before. Returns the messages queued.
 */
function deliverToNetwork(
  deps: SchedulerDeps,
  scopes: LeaderScope[],
  known: Map<number, string>,
  render: (root: UnitRow) => string,
  opts: { now: number; dedupe: string },
): number {
  const { store, repo } = deps;
  const textFor = (unit: UnitRow): string => {
    let text = known.get(unit.id);
    if (text === undefined) known.set(unit.id, (text = render(unit)));
    return text;
  };
  let messages = 0;
  const sentToMember = new Set<string>();
  for (const m of repo.roleHolders('thanh_vien')) {
    const containing = scopes.filter((s) => isAtOrUnder(m.unitPath, s.root.path));
    if (containing.length === 0) continue;
    // A leader of the area already has the fuller version.
    if (containing.some((s) => s.leaders.some((l) => l.personId === m.personId))) continue;
    const key = `${m.personId}:${m.unitId}`;
    const unit = repo.unit(m.unitId);
    if (sentToMember.has(key) || !unit) continue;
    sentToMember.add(key);
    const sent = sendToPerson(store, m.personId, { type: 'message', text: textFor(unit) }, opts.now, {
      dedupeKey: `${opts.dedupe}:${m.personId}:${m.unitId}:net`,
    });
    if (sent) messages++;
  }
  const seenUnits = new Set<number>();
  for (const s of scopes) {
    for (const unit of repo.subtree(s.root)) {
      if (seenUnits.has(unit.id)) continue;
      seenUnits.add(unit.id);
      for (const g of repo.networkGroupsOf(unit.id)) {
        store.enqueue(g.channel, g.chatId, null, { type: 'message', text: textFor(unit) }, opts.now, {
          dedupeKey: `${opts.dedupe}:g${g.id}`,
        });
        messages++;
      }
    }
  }
  return messages;
}

/**
 * Renders every digest whose document is still pending and queues it to its leaders, each in its
 * own short transaction. Safe to run from several processes: the pending mark is re-checked and
 * the outbox dedupe key refuses a second copy.
 */
export async function queuePendingDocuments(deps: SchedulerDeps, now: number): Promise<number> {
  const { store, repo } = deps;
  let queued = 0;
  for (const row of repo.digestsAwaitingDocument()) {
    const digest = reviveDigest(row.data.model);
    const template = docTemplate(store, row.unitId);
    // Loaded on first use: the docx library is heavy and most processes never make a document.
    const { renderReportDocx } = await import('../digest/docx.js');
    const buf = await renderReportDocx(digest, template, {
      number: row.number ?? 0,
      issuedAt: new Date(row.createdAt),
    });
    const base64 = buf.toString('base64');
    store.transaction(() => {
      const fresh = repo.digest(row.id);
      if (!fresh || fresh.data.document !== 'pending') return;
      const leaders = (fresh.data.leaders as number[] | undefined) ?? [];
      const multi = new Set((fresh.data.multipleAreas as number[] | undefined) ?? []);
      const period = { start: new Date(fresh.periodStart), end: new Date(fresh.periodEnd) };
      for (const personId of leaders) {
        const fileName = documentFileName(
          digest.kind,
          period,
          multi.has(personId) ? digest.root.name : undefined,
        );
        sendToPerson(
          store,
          personId,
          {
            type: 'document',
            fileName,
            mimeType: DOCX_MIME,
            base64,
            caption: `${docNumberLine(template, fresh.number)} – ${digest.root.name}`,
          },
          now,
          {
            dedupeKey: `${String(fresh.data.ruleId)}:${String(fresh.data.occurrenceAt)}:${personId}:${fresh.unitId}:doc`,
          },
        );
      }
      // Kept so "Xem báo cáo đầy đủ" can send the same file again without rendering it in a chat turn.
      repo.updateDigestData(row.id, { ...fresh.data, document: 'queued', docx: base64 });
      queued++;
    });
  }
  if (queued > 0) store.onOutboxWrite();
  return queued;
}

/** Finds an area by its full path or by (part of) its name, diacritics optional. */
export function findUnit(repo: SchedulerStore, text: string): UnitRow | undefined {
  const units = repo.allUnits();
  const exact = units.find((u) => u.path === text || u.name === text);
  if (exact) return exact;
  const f = fold(text);
  return units.find((u) => fold(u.name) === f) ?? units.find((u) => fold(u.path).includes(f));
}

/** The narrowest area containing every leader's area: the whole installation, for an export. */
export function commonRoot(repo: SchedulerStore): UnitRow | undefined {
  const scopes = leaderScopes(repo);
  const paths = scopes.length > 0 ? scopes.map((s) => s.root.path) : repo.rootPaths();
  if (paths.length === 0) return undefined;
  let parts = paths[0]!.split(' > ');
  for (const p of paths.slice(1)) {
    const other = p.split(' > ');
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  if (parts.length === 0) return undefined;
  return repo.unitByPath(parts.join(' > '));
}
