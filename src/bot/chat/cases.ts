/**
 * The case register in the chat, after intake: cadres work their cases (`/vuviec`, the buttons on a
 * case card), senders look up, confirm or reopen theirs (`tra cứu`), the weekly report updates them
 * (W7), and an administrator blocks abuse (`/chan`, `/bochan`). The use cases are in features/cases;
 * `casesChat` builds this and the intake for buildApp.
 */
import { formatDateTime } from '../../domain/calendar.js';
import type { CaseStatus } from '../../domain/vocabulary.js';
import { caseUpdate, STATUS_OPTIONS } from '../../flows/defs/caseUpdate.js';
import { proceed, repeatCurrent } from '../../flows/engine.js';
import type { StepResult } from '../../flows/types.js';
import { warmAreaIndex } from '../../features/cases/areas.js';
import {
  applyWeeklyCaseAnswers,
  cadreCase,
  listOpenCases,
  takeCase,
  updateCaseStatus,
  viewCase,
} from '../../features/cases/handling.js';
import {
  casePorts,
  FEEDBACK_LIMITS,
  type CaseNotice,
  type CasePorts,
  type CaseSchedule,
  type FeedbackLimits,
} from '../../features/cases/ports.js';
import {
  CODE_RE,
  caseStatus,
  casesSentBy,
  confirmResolution,
  hasSentCases,
  parseCaseCode,
  reopenCase,
  senderAccountOf,
  setAccountBlocked,
} from '../../features/cases/sender.js';
import { cadreButtons, nextStatuses } from '../../features/cases/status.js';
import { caseCard, eventPhrase, STATUS_LABELS } from '../../features/cases/texts.js';
import type { CaseRow } from '../../store/cases.js';
import type { Store } from '../../store/store.js';
import type { Conversation } from '../conversation.js';
import { hasRole, type Command, type Feature, type SessionState, type Turn } from '../turn.js';
import { handledChecks, runHeldCheck, type CheckRegistry } from './checks.js';
import { INTAKE_CHECKS, intakeFeature } from './casesIntake.js';
import type { WeeklySubmittedHook } from './weekly.js';

interface CasesChatCtx {
  conv: Conversation;
  ports: CasePorts;
  limits: FeedbackLimits;
}

// Said on /huy and when the session goes idle: the case keeps its status.
const CASE_STOP_NOTE = 'Tình trạng vụ việc chưa thay đổi. Khi cần, gõ /vuviec để cập nhật ạ.';
// One answer for everyone, sender or not, case or no case: a lookup reveals nothing.
const NOT_FOUND = 'Không tìm thấy phản ánh này trong các phản ánh của Bác/Anh/Chị.';
/** A linked cadre is "đồng chí" even when listing their own phản ánh (brief §7). */
const you = (turn: Turn): string => (turn.person ? 'đồng chí' : 'Bác/Anh/Chị');
const actorOf = (turn: Turn) => ({ personId: turn.person?.id ?? null, accountId: turn.account.id });
const auditActor = (turn: Turn) => ({ personId: turn.person?.id, accountId: turn.account.id });
const isCadre = (turn: Turn) => hasRole(turn, 'can_bo', 'truong_nhom');

async function run(d: CasesChatCtx, turn: Turn, s: SessionState, r: StepResult): Promise<void> {
  await d.conv.apply(turn, { ...r.session, meta: s.meta }, r.effects, r.outcome);
}

/** Shows the full case (identity included) to a person allowed to handle it; the view is logged. */
function showCase(d: CasesChatCtx, turn: Turn, c: CaseRow): void {
  const v = viewCase(d.ports, c, auditActor(turn), turn.now);
  const history = v.events.map((e) => eventPhrase(e, v.chain, c.kind));
  const heading = c.kind === 'vu_viec' ? '📂 Vụ việc' : '📣 Phản ánh';
  turn.reply({
    text: `${caseCard(c, heading, { enteredBy: v.enteredBy, urgentAnswers: v.urgentAnswers })}\nDiễn biến:\n${history.join('\n')}`,
  });
}

function statusOptions(c: CaseRow) {
  const again: Partial<Record<CaseStatus, string>> = {
    dang_xu_ly: 'Vẫn đang xử lý (thêm ghi chú)',
    da_chuyen: 'Chuyển thêm đến nơi khác',
  };
  return nextStatuses(c.status).map((k) => ({
    key: k,
    label: (k === c.status ? again[k] : undefined) ?? STATUS_OPTIONS.find((x) => x.key === k)!.label,
  }));
}

async function startUpdate(d: CasesChatCtx, turn: Turn, c: CaseRow): Promise<void> {
  showCase(d, turn, c);
  await turn.startFlow(
    caseUpdate,
    { vars: { code: c.code }, lists: { cases: [], statuses: statusOptions(c) }, flags: {} },
    { caseId: c.id, stopNote: CASE_STOP_NOTE },
  );
}

// ---- /vuviec and the update flow -----------------------------------------------------------------

async function listCases(d: CasesChatCtx, turn: Turn): Promise<void> {
  if (!turn.person || !(await isCadre(turn))) {
    turn.reply({
      text: 'Mục này dành cho cán bộ phụ trách địa bàn. Muốn xem phản ánh mình đã gửi, xin gõ: tra cứu và mã phản ánh (ví dụ: tra cứu PA-2026-0012).',
    });
    return;
  }
  const open = listOpenCases(d.ports, turn.person.id);
  if (open.length === 0) {
    turn.reply({ text: 'Hiện không có vụ việc, phản ánh nào đang mở ở địa bàn của đồng chí.' });
    return;
  }
  const shown = open.slice(0, d.limits.listCases);
  const more = open.length > shown.length ? ` (hiện ${shown.length} việc cũ nhất)` : '';
  turn.reply({ text: `Địa bàn của đồng chí có ${open.length} việc đang mở${more}.` });
  const cases = shown.map((c) => ({
    key: `c${c.id}`,
    label: `${c.code} · ${c.title} · ${STATUS_LABELS[c.status]}`,
  }));
  await turn.startFlow(
    caseUpdate,
    { vars: { code: '' }, lists: { cases, statuses: [] }, flags: {} },
    { stopNote: CASE_STOP_NOTE },
  );
}

async function onCaseSelect(d: CasesChatCtx, turn: Turn, s: SessionState, key: string): Promise<void> {
  const found = cadreCase(d.ports, Number(/^c(\d+)$/.exec(String(s.answers[key]))?.[1]), turn.person?.id);
  if (!found.ok) {
    delete s.answers[key];
    return run(d, turn, s, repeatCurrent(caseUpdate, s, 'Đồng chí chọn một việc trong danh sách ạ.'));
  }
  const c = found.c;
  showCase(d, turn, c);
  s.meta.caseId = c.id;
  s.ctx.vars.code = c.code;
  s.ctx.lists.statuses = statusOptions(c);
  await run(d, turn, s, proceed(caseUpdate, s));
}

async function onTextOnly(d: CasesChatCtx, turn: Turn, s: SessionState, key: string): Promise<void> {
  if (s.answers[key] !== undefined && typeof s.answers[key] !== 'string') {
    delete s.answers[key];
    return run(d, turn, s, repeatCurrent(caseUpdate, s, 'Ghi chú cần gõ bằng chữ để người gửi đọc được ạ.'));
  }
  await run(d, turn, s, proceed(caseUpdate, s));
}

/** The checks the case update flow declares, by name (src/flows/defs/caseUpdate.ts). */
export const UPDATE_CHECKS = {
  case_select: onCaseSelect,
  text_only: onTextOnly,
} satisfies CheckRegistry<CasesChatCtx>;

/** Every check the case chat runs: what validateFlows is given for the case flows. */
export const CASE_CHECKS: ReadonlySet<string> = handledChecks(INTAKE_CHECKS, UPDATE_CHECKS);

function onUpdateSubmit(d: CasesChatCtx, turn: Turn, s: SessionState): void {
  const status = s.answers.STATUS as CaseStatus;
  const r = updateCaseStatus(d.ports, {
    caseId: Number(s.meta.caseId),
    actor: actorOf(turn),
    now: turn.now,
    status,
    note: typeof s.answers.NOTE === 'string' ? s.answers.NOTE : null,
    forwardedTo: status === 'da_chuyen' ? (s.answers.TO as string) : undefined,
  });
  if (r.status === 'not_handler') {
    turn.reply({ text: 'Đồng chí không phụ trách địa bàn của việc này nên chưa cập nhật được ạ.' });
    return;
  }
  if (r.status === 'closed') {
    turn.reply({
      text: `Việc ${r.c.code} vừa được đóng (${STATUS_LABELS[r.c.status]}), nên không cập nhật thêm ạ.`,
    });
    return;
  }
  const c = r.before;
  const told =
    c.senderAccountId !== null
      ? 'Người gửi đã được báo.'
      : c.kind === 'phan_anh'
        ? 'Việc nhập hộ: đồng chí báo lại người phản ánh giúp.'
        : '';
  turn.reply({
    text: `Đã cập nhật ${c.code}: ${STATUS_LABELS[r.c.status]}. ${told}`.trim(),
    choices: cadreButtons(r.c).filter((row) => !row[0]!.data.endsWith(':da_tiep_nhan')),
  });
}

// ---- buttons on a case card (cadres) and on a resolution (senders) ----------------------------------

async function onCadreButton(d: CasesChatCtx, turn: Turn, data: string): Promise<void> {
  const [, id, action] = data.split(':');
  if (action === 'da_tiep_nhan') {
    const r = takeCase(d.ports, { caseId: Number(id), actor: actorOf(turn), now: turn.now });
    if (r.status === 'not_handler')
      return turn.reply({ text: 'Đồng chí không phụ trách địa bàn của việc này ạ.' });
    if (r.status === 'closed')
      return turn.reply({ text: `Việc ${r.c.code} đã đóng (${STATUS_LABELS[r.c.status]}).` });
    if (r.status === 'already_taken') {
      return turn.reply({
        text: `Việc ${r.c.code} đã được tiếp nhận rồi (tình trạng: ${STATUS_LABELS[r.c.status]}).`,
        choices: cadreButtons(r.c),
      });
    }
    return turn.reply({
      text: `Đã tiếp nhận ${r.c.code}. ${r.senderTold ? 'Người gửi đã được báo.' : ''}`.trim(),
      choices: cadreButtons(r.c),
    });
  }
  const found = cadreCase(d.ports, Number(id), turn.person?.id);
  if (found.ok) return startUpdate(d, turn, found.c);
  if (found.reason === 'closed')
    return turn.reply({ text: `Việc ${found.c.code} đã đóng (${STATUS_LABELS[found.c.status]}).` });
  turn.reply({ text: 'Đồng chí không phụ trách địa bàn của việc này ạ.' });
}

function onSenderButton(d: CasesChatCtx, turn: Turn, data: string): void {
  const [, id, action] = data.split(':');
  const q = { caseId: Number(id), actor: actorOf(turn), now: turn.now };
  const r = action === 'ok' ? confirmResolution(d.ports, q) : reopenCase(d.ports, q);
  const days = d.ports.rules.reopenDays;
  const text =
    r.status === 'gone'
      ? 'Nút này không còn hiệu lực ạ.'
      : r.status === 'stale'
        ? `Phản ánh ${r.c.code} hiện ở tình trạng: ${STATUS_LABELS[r.c.status]}. Nút này không còn hiệu lực ạ.`
        : r.status === 'too_late'
          ? `Đã quá ${days} ngày kể từ khi phản ánh ${r.c.code} được giải quyết, nên không mở lại được. Nếu việc vẫn còn, xin Bác/Anh/Chị gửi phản ánh mới (gõ /phananh) ạ.`
          : r.status === 'confirmed'
            ? `Cảm ơn Bác/Anh/Chị đã xác nhận phản ánh ${r.c.code} đã được giải quyết!`
            : `Đã mở lại phản ánh ${r.c.code}. Cán bộ phụ trách địa bàn sẽ xem xét lại ạ.`;
  turn.reply({ text });
}

// ---- lookup by code ------------------------------------------------------------------------------

function listMine(d: CasesChatCtx, turn: Turn): void {
  const mine = casesSentBy(d.ports, turn.account.id, 10);
  if (mine.length === 0) {
    turn.reply({
      text: `${turn.person ? 'Đồng chí' : 'Bác/Anh/Chị'} chưa gửi phản ánh nào từ tài khoản này. Muốn tra cứu, xin gõ: tra cứu và mã phản ánh, ví dụ: tra cứu PA-2026-0012.${turn.person ? ' Vụ việc, phản ánh ở địa bàn của đồng chí: gõ /vuviec.' : ''}`,
    });
    return;
  }
  const lines = mine.map(
    (c) => `• ${c.code} (${formatDateTime(new Date(c.createdAt))}): ${STATUS_LABELS[c.status]}`,
  );
  turn.reply({
    text: `Các phản ánh ${you(turn)} đã gửi:\n${lines.join('\n')}\nXem chi tiết: gõ tra cứu và mã số, ví dụ: tra cứu ${mine[0]!.code}`,
  });
}

function lookUp(d: CasesChatCtx, turn: Turn, args: string): void {
  const code = parseCaseCode(args);
  if (!code) return listMine(d, turn);
  const found = caseStatus(d.ports, { code, accountId: turn.account.id });
  if (!found) {
    turn.reply({ text: NOT_FOUND });
    return;
  }
  const { c, chain } = found;
  turn.reply({
    text: [
      `${c.kind === 'vu_viec' ? 'Vụ việc' : 'Phản ánh'} ${c.code}: ${c.title}`,
      `Tình trạng: ${STATUS_LABELS[c.status]}`,
      'Diễn biến:',
      ...found.events.map((e) => eventPhrase(e, chain, c.kind)),
    ].join('\n'),
  });
}

// ---- blocking a sender (quan_tri) ----------------------------------------------------------------

function blockCommand(d: CasesChatCtx, name: string, aliases: string[], blocked: boolean): Command {
  return {
    name,
    aliases,
    description: blocked
      ? 'Chặn một tài khoản gửi tin quấy rối (quản trị)'
      : 'Bỏ chặn một tài khoản (quản trị)',
    order: 95,
    // "chặn"/"chán" are everyday words: only the slash form is the admin command.
    slashOnly: true,
    inMenu: (turn) => hasRole(turn, 'quan_tri'),
    async run(turn, args) {
      if (!(await hasRole(turn, 'quan_tri'))) {
        turn.reply({ text: 'Lệnh này chỉ dành cho quản trị ạ.' });
        return;
      }
      const target = senderAccountOf(d.ports, args);
      if (target === null) {
        turn.reply({
          text: `Cách dùng: /${name} <mã tài khoản> hoặc /${name} <mã phản ánh>, ví dụ: /${name} PA-2026-0012`,
        });
        return;
      }
      const q = { accountId: target, blocked, now: turn.now, actor: auditActor(turn) };
      if (!setAccountBlocked(d.ports, q)) {
        turn.reply({ text: `Không có tài khoản #${target}.` });
        return;
      }
      turn.reply({ text: blocked ? `Đã chặn tài khoản #${target}.` : `Đã bỏ chặn tài khoản #${target}.` });
    },
  };
}

function lifecycleFeature(d: CasesChatCtx): Feature {
  const vuviec: Command = {
    name: 'vuviec',
    aliases: ['vu viec', 'xem vu viec', 'cac vu viec', 'xu ly phan anh'],
    menuLabel: '📂 Vụ việc, phản ánh',
    description: 'Các vụ việc, phản ánh đang mở ở địa bàn của đồng chí',
    order: 15,
    inMenu: isCadre,
    run: (turn) => listCases(d, turn),
  };
  const tracuu: Command = {
    name: 'tracuu',
    aliases: ['tra cuu', 'tra cuu phan anh', 'xem phan anh'],
    argsPattern: CODE_RE,
    menuLabel: '🔎 Tra cứu phản ánh',
    description: 'Xem tình hình phản ánh đã gửi (theo mã số)',
    order: 25,
    inMenu: (turn) => hasSentCases(d.ports, turn.account.id),
    run: (turn, args) => lookUp(d, turn, args),
  };
  return {
    definitions: [caseUpdate],
    commands: [
      vuviec,
      tracuu,
      blockCommand(d, 'chan', ['chan tai khoan'], true),
      blockCommand(d, 'bochan', ['bo chan'], false),
    ],
    flows: [
      {
        flowId: caseUpdate.id,
        checks: handledChecks(UPDATE_CHECKS),
        onProgress: (turn, s) => runHeldCheck(UPDATE_CHECKS, d, caseUpdate, turn, s),
        onSubmit: (turn, s) => onUpdateSubmit(d, turn, s),
      },
    ],
    buttons: [
      { prefix: 'cs', run: (turn, data) => onCadreButton(d, turn, data) },
      { prefix: 'cr', run: (turn, data) => onSenderButton(d, turn, data) },
    ],
  };
}

/** After a weekly report: its W7 answers update the cases; "có việc mới" offers the nhập hộ. */
function afterWeekly(d: CasesChatCtx): WeeklySubmittedHook {
  return (turn, report, answers) => {
    applyWeeklyCaseAnswers(d.ports, { report, answers, actor: actorOf(turn), now: turn.now });
    if (answers.W5 === 'co') {
      turn.reply({
        text: 'Đồng chí có thể nhập chi tiết từng việc để theo dõi đến khi giải quyết xong:',
        choices: [[{ label: '📝 Nhập chi tiết từng việc', data: `fbn:${report.id}` }]],
      });
    }
  };
}

export interface CasesChatDeps {
  conversation: Conversation;
  store: Store;
  schedule: CaseSchedule;
  limits?: FeedbackLimits;
  notice: CaseNotice;
}

export interface CasesChat {
  features: Feature[];
  /** Run in the submitting transaction after a weekly report is stored. */
  onWeeklySubmitted: WeeklySubmittedHook;
  /** Builds the folded area index before the first citizen types a name. */
  warmUp(): void;
}

/** The phản ánh and the case register (issue 6) in the chat, for buildApp to plug in. */
export function casesChat(deps: CasesChatDeps): CasesChat {
  const d: CasesChatCtx = {
    conv: deps.conversation,
    ports: casePorts(deps.store, deps.schedule),
    limits: deps.limits ?? FEEDBACK_LIMITS,
  };
  return {
    features: [intakeFeature({ ...d, notice: deps.notice }), lifecycleFeature(d)],
    onWeeklySubmitted: afterWeekly(d),
    warmUp: () => warmAreaIndex(d.ports),
  };
}
