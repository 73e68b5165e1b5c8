/**
 * After intake: cadres work their cases (`/vuviec`, the buttons on a case card), senders look up,
 * confirm or reopen theirs, the weekly report updates them (W7), and an administrator blocks abuse.
 */
import { formatDateTime } from '../../../domain/calendar.js';
import { caseUpdate, STATUS_OPTIONS } from '../../../flows/defs/caseUpdate.js';
import { proceed, repeatCurrent } from '../../../flows/engine.js';
import type { Answer, StepResult } from '../../../flows/types.js';
import type { CaseStatus } from '../../../domain/vocabulary.js';
import type { ReportRow } from '../../../store/store.js';
import { CLOSED_STATUSES, type CaseRow } from '../../../store/cases.js';
import type { Conversation } from '../../conversation.js';
import type { Command, Feature, SessionState, Turn } from '../../turn.js';
import { CaseService, type FeedbackLimits } from './service.js';
import { caseCard, eventPhrase, STATUS_LABELS } from './texts.js';

export interface LifecycleOptions {
  conv: Conversation;
  svc: CaseService;
  limits: FeedbackLimits;
  reopenDays: number;
}

/** PA-2026-0012, pa 2026 12, VV-2026-3: the code as people type it. */
const CODE_RE = /\b(PA|VV)[\s-]*(\d{4})[\s-]*(\d{1,6})\b/i;

// Said on /huy and when the session goes idle: the case keeps its status.
const CASE_STOP_NOTE = 'Tình trạng vụ việc chưa thay đổi. Khi cần, gõ /vuviec để cập nhật ạ.';

export function parseCaseCode(text: string): string | null {
  const m = CODE_RE.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]!.padStart(4, '0')}` : null;
}

// One answer for everyone, sender or not, case or no case: a lookup reveals nothing.
const NOT_FOUND = 'Không tìm thấy phản ánh này trong các phản ánh của Bác/Anh/Chị.';
/** A linked cadre is "đồng chí" even when listing their own phản ánh (brief §7). */
const you = (turn: Turn): string => (turn.person ? 'đồng chí' : 'Bác/Anh/Chị');

/** W7 answers of the weekly report (keys W7.<case code>) as events on the cases. */
const W7_EFFECT: Record<string, { status: CaseStatus | null; note: string }> = {
  da_giai_quyet: { status: 'da_giai_quyet', note: 'Cập nhật từ báo cáo tuần: Đã giải quyết xong' },
  dang_giai_quyet: { status: null, note: 'Cập nhật từ báo cáo tuần: Đang giải quyết' },
  chua_chuyen_bien: { status: null, note: 'Cập nhật từ báo cáo tuần: Chưa chuyển biến' },
  phuc_tap_hon: { status: null, note: 'Cập nhật từ báo cáo tuần: Phức tạp hơn' },
};

export function lifecycleFeature(o: LifecycleOptions): Feature & {
  onWeeklySubmitted(turn: Turn, report: ReportRow, answers: Record<string, Answer>): void;
} {
  const { conv, svc } = o;
  const actorOf = (turn: Turn) => ({ personId: turn.person?.id ?? null, accountId: turn.account.id });
  const auditActor = (turn: Turn) => ({ personId: turn.person?.id, accountId: turn.account.id });

  function run(turn: Turn, s: SessionState, r: StepResult): void {
    conv.apply(turn, { ...r.session, meta: s.meta }, r.effects, r.outcome);
  }

  /** Shows the full case (identity included) to a person allowed to handle it, and logs the view. */
  function showCase(turn: Turn, c: CaseRow): void {
    const enteredBy =
      c.enteredByPersonId !== null ? (turn.store.person(c.enteredByPersonId)?.fullName ?? null) : null;
    const chain = svc.cases.unitChain(c.unitId);
    const history = svc.cases.events(c.id).map((e) => eventPhrase(e, chain, c.kind));
    const urgentAnswers =
      c.kind === 'vu_viec' && c.sourceReportId !== null ? turn.store.answers(c.sourceReportId) : undefined;
    turn.reply({
      text: `${caseCard(c, c.kind === 'vu_viec' ? '📂 Vụ việc' : '📣 Phản ánh', { enteredBy, urgentAnswers })}\nDiễn biến:\n${history.join('\n')}`,
    });
    turn.store.audit('case_view', { ...auditActor(turn), subject: c.code }, turn.now);
  }

  function statusOptions(c: CaseRow) {
    const again: Partial<Record<CaseStatus, string>> = {
      dang_xu_ly: 'Vẫn đang xử lý (thêm ghi chú)',
      da_chuyen: 'Chuyển thêm đến nơi khác',
    };
    return CaseService.nextStatuses(c.status).map((k) => ({
      key: k,
      label: (k === c.status ? again[k] : undefined) ?? STATUS_OPTIONS.find((x) => x.key === k)!.label,
    }));
  }

  function startUpdate(turn: Turn, c: CaseRow): void {
    showCase(turn, c);
    turn.startFlow(
      caseUpdate,
      { vars: { code: c.code }, lists: { cases: [], statuses: statusOptions(c) }, flags: {} },
      { caseId: c.id, stopNote: CASE_STOP_NOTE },
    );
  }

  // ---- /vuviec -------------------------------------------------------------------------------

  const vuviec: Command = {
    name: 'vuviec',
    aliases: ['vu viec', 'xem vu viec', 'cac vu viec', 'xu ly phan anh'],
    menuLabel: '📂 Vụ việc, phản ánh',
    description: 'Các vụ việc, phản ánh đang mở ở địa bàn của đồng chí',
    order: 15,
    inMenu: (turn) => turn.roles().has('can_bo') || turn.roles().has('truong_nhom'),
    run(turn) {
      const roles = turn.roles();
      if (!turn.person || !(roles.has('can_bo') || roles.has('truong_nhom'))) {
        turn.reply({
          text: 'Mục này dành cho cán bộ phụ trách địa bàn. Muốn xem phản ánh mình đã gửi, xin gõ: tra cứu và mã phản ánh (ví dụ: tra cứu PA-2026-0012).',
        });
        return;
      }
      const open = svc.cases.openInUnits(svc.handledUnitIds(turn.person.id));
      if (open.length === 0) {
        turn.reply({ text: 'Hiện không có vụ việc, phản ánh nào đang mở ở địa bàn của đồng chí.' });
        return;
      }
      const shown = open.slice(0, o.limits.listCases);
      const more = open.length > shown.length ? ` (hiện ${shown.length} việc cũ nhất)` : '';
      turn.reply({ text: `Địa bàn của đồng chí có ${open.length} việc đang mở${more}.` });
      turn.startFlow(
        caseUpdate,
        {
          vars: { code: '' },
          lists: {
            cases: shown.map((c) => ({
              key: `c${c.id}`,
              label: `${c.code} · ${c.title} · ${STATUS_LABELS[c.status]}`,
            })),
            statuses: [],
          },
          flags: {},
        },
        { stopNote: CASE_STOP_NOTE },
      );
    },
  };

  function onUpdateProgress(turn: Turn, s: SessionState): void {
    if (s.held === 'CASE') {
      const c = svc.cases.byId(Number(/^c(\d+)$/.exec(String(s.answers.CASE))?.[1]));
      if (!c || !svc.mayHandle(turn.person?.id, c) || CLOSED_STATUSES.has(c.status)) {
        delete s.answers.CASE;
        return run(turn, s, repeatCurrent(caseUpdate, s, 'Đồng chí chọn một việc trong danh sách ạ.'));
      }
      showCase(turn, c);
      s.meta.caseId = c.id;
      s.ctx.vars.code = c.code;
      s.ctx.lists.statuses = statusOptions(c);
      return run(turn, s, proceed(caseUpdate, s));
    }
    if (s.held === 'NOTE') {
      if (s.answers.NOTE !== undefined && typeof s.answers.NOTE !== 'string') {
        delete s.answers.NOTE;
        return run(turn, s, repeatCurrent(caseUpdate, s, 'Ghi chú cần gõ bằng chữ để người gửi đọc được ạ.'));
      }
      return run(turn, s, proceed(caseUpdate, s));
    }
  }

  function onUpdateSubmit(turn: Turn, s: SessionState): void {
    const c = svc.cases.byId(Number(s.meta.caseId));
    if (!c || !svc.mayHandle(turn.person?.id, c)) {
      turn.reply({ text: 'Đồng chí không phụ trách địa bàn của việc này nên chưa cập nhật được ạ.' });
      return;
    }
    if (CLOSED_STATUSES.has(c.status)) {
      turn.reply({
        text: `Việc ${c.code} vừa được đóng (${STATUS_LABELS[c.status]}), nên không cập nhật thêm ạ.`,
      });
      return;
    }
    const status = s.answers.STATUS as CaseStatus;
    const note = typeof s.answers.NOTE === 'string' ? s.answers.NOTE : null;
    const forwardedTo = status === 'da_chuyen' ? (s.answers.TO as string) : undefined;
    const updated = svc.changeStatus(c, status, { now: turn.now, actor: actorOf(turn), note, forwardedTo });
    const told =
      c.senderAccountId !== null
        ? 'Người gửi đã được báo.'
        : c.kind === 'phan_anh'
          ? 'Việc nhập hộ: đồng chí báo lại người phản ánh giúp.'
          : '';
    turn.reply({
      text: `Đã cập nhật ${c.code}: ${STATUS_LABELS[updated.status]}. ${told}`.trim(),
      choices: CaseService.cadreButtons(updated).filter((row) => !row[0]!.data.endsWith(':da_tiep_nhan')),
    });
  }

  // ---- buttons on a case card (cadres) and on a resolution (senders) ------------------------------

  function onCadreButton(turn: Turn, data: string): void {
    const [, id, action] = data.split(':');
    const c = svc.cases.byId(Number(id));
    if (!c || !svc.mayHandle(turn.person?.id, c)) {
      turn.reply({ text: 'Đồng chí không phụ trách địa bàn của việc này ạ.' });
      return;
    }
    if (CLOSED_STATUSES.has(c.status)) {
      turn.reply({ text: `Việc ${c.code} đã đóng (${STATUS_LABELS[c.status]}).` });
      return;
    }
    if (action === 'da_tiep_nhan') {
      if (c.status !== 'moi') {
        turn.reply({
          text: `Việc ${c.code} đã được tiếp nhận rồi (tình trạng: ${STATUS_LABELS[c.status]}).`,
          choices: CaseService.cadreButtons(c),
        });
        return;
      }
      const updated = svc.changeStatus(c, 'da_tiep_nhan', { now: turn.now, actor: actorOf(turn) });
      turn.reply({
        text: `Đã tiếp nhận ${c.code}. ${c.senderAccountId !== null ? 'Người gửi đã được báo.' : ''}`.trim(),
        choices: CaseService.cadreButtons(updated),
      });
      return;
    }
    startUpdate(turn, c);
  }

  function onSenderButton(turn: Turn, data: string): void {
    const [, id, action] = data.split(':');
    const c = svc.cases.byId(Number(id));
    if (!c || c.senderAccountId !== turn.account.id) {
      turn.reply({ text: 'Nút này không còn hiệu lực ạ.' });
      return;
    }
    const events = svc.cases.events(c.id);
    const resolved = [...events].reverse().find((e) => e.status === 'da_giai_quyet' && !e.data?.confirmed);
    const answeredAfter =
      resolved && events.some((e) => e.id > resolved.id && (e.data?.confirmed || e.data?.reopened));
    if (c.status !== 'da_giai_quyet' || !resolved || answeredAfter) {
      turn.reply({
        text: `Phản ánh ${c.code} hiện ở tình trạng: ${STATUS_LABELS[c.status]}. Nút này không còn hiệu lực ạ.`,
      });
      return;
    }
    if (turn.now - resolved.at > o.reopenDays * 86_400_000) {
      turn.reply({
        text: `Đã quá ${o.reopenDays} ngày kể từ khi phản ánh ${c.code} được giải quyết, nên không mở lại được. Nếu việc vẫn còn, xin Bác/Anh/Chị gửi phản ánh mới (gõ /phananh) ạ.`,
      });
      return;
    }
    const actor = actorOf(turn);
    if (action === 'ok') {
      svc.changeStatus(c, 'da_giai_quyet', {
        now: turn.now,
        actor,
        note: 'Người gửi xác nhận đã xong',
        data: { confirmed: true },
      });
      turn.reply({ text: `Cảm ơn Bác/Anh/Chị đã xác nhận phản ánh ${c.code} đã được giải quyết!` });
      return;
    }
    const reopened = svc.changeStatus(c, 'dang_xu_ly', {
      now: turn.now,
      actor,
      note: 'Người gửi báo chưa được giải quyết',
      data: { reopened: true },
      tellSender: false,
    });
    const route = svc.routeTargets(c.unitId);
    for (const p of route.people) {
      svc.notifyPerson(
        p.id,
        {
          type: 'message',
          text: `↩ Phản ánh ${c.code} (${c.title}) được người gửi mở lại: chưa được giải quyết.`,
          choices: CaseService.cadreButtons(reopened),
        },
        turn.now,
      );
    }
    turn.reply({ text: `Đã mở lại phản ánh ${c.code}. Cán bộ phụ trách địa bàn sẽ xem xét lại ạ.` });
  }

  // ---- lookup by code ------------------------------------------------------------------------

  const tracuu: Command = {
    name: 'tracuu',
    aliases: ['tra cuu', 'tra cuu phan anh', 'xem phan anh'],
    argsPattern: CODE_RE,
    menuLabel: '🔎 Tra cứu phản ánh',
    description: 'Xem tình hình phản ánh đã gửi (theo mã số)',
    order: 25,
    inMenu: (turn) => svc.cases.countBySenderSince(turn.account.id, 0) > 0,
    run(turn, args) {
      const code = parseCaseCode(args);
      if (!code) {
        const mine = svc.cases.bySender(turn.account.id).slice(0, 10);
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
        return;
      }
      const c = svc.cases.byCode(code);
      // Someone else's code gets the same answer as a code that does not exist: nothing is revealed.
      if (!c || c.senderAccountId !== turn.account.id) {
        turn.reply({ text: NOT_FOUND });
        return;
      }
      const chain = svc.cases.unitChain(c.unitId);
      const history = svc.cases
        .events(c.id)
        .filter((e) => !e.data?.internal)
        .map((e) => eventPhrase(e, chain, c.kind));
      turn.reply({
        text: [
          `${c.kind === 'vu_viec' ? 'Vụ việc' : 'Phản ánh'} ${c.code}: ${c.title}`,
          `Tình trạng: ${STATUS_LABELS[c.status]}`,
          'Diễn biến:',
          ...history,
        ].join('\n'),
      });
    },
  };

  // ---- blocking a sender (quan_tri) ----------------------------------------------------------

  function blockCommand(name: string, aliases: string[], blocked: boolean): Command {
    return {
      name,
      aliases,
      description: blocked
        ? 'Chặn một tài khoản gửi tin quấy rối (quản trị)'
        : 'Bỏ chặn một tài khoản (quản trị)',
      order: 95,
      // "chặn"/"chán" are everyday words: only the slash form is the admin command.
      slashOnly: true,
      inMenu: (turn) => turn.roles().has('quan_tri'),
      run(turn, args) {
        if (!turn.roles().has('quan_tri')) {
          turn.reply({ text: 'Lệnh này chỉ dành cho quản trị ạ.' });
          return;
        }
        const target = resolveAccount(args);
        if (target === null) {
          turn.reply({
            text: `Cách dùng: /${name} <mã tài khoản> hoặc /${name} <mã phản ánh>, ví dụ: /${name} PA-2026-0012`,
          });
          return;
        }
        if (!svc.cases.setBlocked(target, blocked, turn.now)) {
          turn.reply({ text: `Không có tài khoản #${target}.` });
          return;
        }
        turn.store.audit(
          blocked ? 'account_block' : 'account_unblock',
          { ...auditActor(turn), subject: `account:${target}` },
          turn.now,
        );
        turn.reply({ text: blocked ? `Đã chặn tài khoản #${target}.` : `Đã bỏ chặn tài khoản #${target}.` });
      },
    };
  }

  function resolveAccount(args: string): number | null {
    const code = parseCaseCode(args);
    if (code) return svc.cases.byCode(code)?.senderAccountId ?? null;
    const n = Number(args.trim().replace(/^#/, ''));
    return /^#?\d+$/.test(args.trim()) && Number.isSafeInteger(n) ? n : null;
  }

  // ---- the weekly report ---------------------------------------------------------------------

  function onWeeklySubmitted(turn: Turn, report: ReportRow, answers: Record<string, Answer>): void {
    const actor = actorOf(turn);
    for (const [key, value] of Object.entries(answers)) {
      if (!key.startsWith('W7.') || typeof value !== 'string') continue;
      const effect = W7_EFFECT[value];
      const c = svc.cases.byCode(key.slice(3));
      if (!effect || !c || c.unitId !== report.unitId || CLOSED_STATUSES.has(c.status)) continue;
      const seen = svc.cases
        .events(c.id)
        .some((e) => e.data?.reportId === report.id && e.data?.answer === value);
      if (seen) continue;
      const status: CaseStatus =
        effect.status ?? (c.status === 'moi' || c.status === 'da_tiep_nhan' ? 'dang_xu_ly' : c.status);
      svc.changeStatus(c, status, {
        now: turn.now,
        actor,
        note: effect.note,
        data: { reportId: report.id, answer: value },
      });
    }
    if (answers.W5 === 'co') {
      turn.reply({
        text: 'Đồng chí có thể nhập chi tiết từng việc để theo dõi đến khi giải quyết xong:',
        choices: [[{ label: '📝 Nhập chi tiết từng việc', data: `fbn:${report.id}` }]],
      });
    }
  }

  return {
    definitions: [caseUpdate],
    commands: [
      vuviec,
      tracuu,
      blockCommand('chan', ['chan tai khoan'], true),
      blockCommand('bochan', ['bo chan'], false),
    ],
    flows: [{ flowId: caseUpdate.id, onProgress: onUpdateProgress, onSubmit: onUpdateSubmit }],
    buttons: [
      { prefix: 'cs', run: onCadreButton },
      { prefix: 'cr', run: onSenderButton },
    ],
    onWeeklySubmitted,
  };
}
