/**
 * Gửi phản ánh (brief §4.6): the flow for anyone, on the roster or not, and the cadre's "nhập hộ".
 * The held questions of the flow are resolved here: consent (D0), media size (D2, D4), the area
 * (D3: typed part of a name, or the tree) and the contact details (D9).
 */
import { fromLocal, toLocal } from '../../../domain/calendar.js';
import { fold, normalizePhone } from '../../../domain/text.js';
import { proceed, REVIEW, repeatCurrent, resume } from '../../../flows/engine.js';
import { feedbackCadre, feedbackCitizen } from '../../../flows/defs/feedback.js';
import type { Answer, FlowDef, MediaAnswer, Option, StepResult } from '../../../flows/types.js';
import type { CaseData } from '../../../store/cases.js';
import type { UnitRow } from '../../../store/units.js';
import type { Conversation } from '../../conversation.js';
import type { Command, Feature, FlowHandler, SessionState, Turn } from '../../turn.js';
import { CaseService, type FeedbackLimits } from './service.js';
import { areaLabel, caseCard, caseTitle, displayPhone } from './texts.js';

export interface IntakeOptions {
  conv: Conversation;
  svc: CaseService;
  limits: FeedbackLimits;
  /** Working days within which a cadre takes a case in (D10's [N]). */
  intakeWorkingDays: number;
  /** Filled into D0: whose channel this is, and where formal complaints go. */
  notice: { org: string; ubnd: string };
}

type Mode = 'citizen' | 'cadre';

interface IntakeMeta {
  mode: Mode;
  reportId?: number;
  consentAt?: number;
  contact?: { name?: string; phone?: string };
}

const FEEDBACK_FLOWS = new Set([feedbackCitizen.id, feedbackCadre.id]);

const BROWSE: Option = { key: 'browse', label: '📋 Chọn trong danh sách' };
const RETYPE: Option = { key: 'retype', label: 'Không thấy? Gõ lại tên khác' };
const SEARCH: Option = { key: 'retype', label: '🔎 Gõ tên để tìm' };

const you = (mode: Mode) => (mode === 'citizen' ? 'Bác/Anh/Chị' : 'Đồng chí');
/** "Khu phố Đông Côi" → "dong coi": what someone would type for a place of this roster. */
function typedExample(unit: UnitRow | undefined): string | null {
  if (!unit) return null;
  const bare = unit.name.startsWith(`${unit.kind} `) ? unit.name.slice(unit.kind.length + 1) : unit.name;
  return fold(bare) || null;
}
const CONTACT_EXAMPLE = 'Ví dụ: Nguyễn Văn An 0912 345 678';

function isMedia(a: Answer | undefined): a is MediaAnswer {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && a.type === 'media';
}

/** "Nguyễn Văn An, sđt 0912 345 678" → name and phone; a typed number that is not a phone is reported. */
export function parseContact(text: string): { name: string; phone: string | null; badPhone: boolean } {
  const m = /\+?\d[\d\s.\-()]{6,}\d/u.exec(text);
  const phone = m ? normalizePhone(m[0]) : null;
  const name = (m ? text.replace(m[0], ' ') : text)
    .replace(/(s[ốo]\s+)?[đd]i[ệe]n\s+tho[ạa]i/giu, ' ')
    .replace(/(^|\s)(s[đd]t|[đd]t|tel)(?=[\s:.,]|$)/giu, ' ')
    .replace(/[,;:()\-–.]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return { name: Array.from(name).slice(0, 100).join(''), phone, badPhone: m !== null && phone === null };
}

export function intakeFeature(
  o: IntakeOptions,
): Feature & { startCadre(turn: Turn, reportId?: number): void } {
  const { conv, svc, limits } = o;
  // Read at each use: a roster imported while the service runs changes the example too.
  const areaHint = (mode: Mode) => {
    const example = typedExample(svc.cases.exampleLeafUnit());
    return `${you(mode)} gõ một phần tên thôn, khu phố (không dấu cũng được)${example ? `, ví dụ: ${example}` : ''}. Hoặc bấm "${BROWSE.label}".`;
  };

  const defOf = (s: SessionState): FlowDef =>
    s.flowId === feedbackCadre.id ? feedbackCadre : feedbackCitizen;
  const metaOf = (s: SessionState) => s.meta as unknown as IntakeMeta;

  function run(turn: Turn, s: SessionState, r: StepResult): void {
    conv.apply(turn, { ...r.session, meta: s.meta }, r.effects, r.outcome);
  }
  function accept(turn: Turn, s: SessionState): void {
    run(turn, s, proceed(defOf(s), s));
  }
  function reask(turn: Turn, s: SessionState, note?: string): void {
    if (s.held) delete s.answers[s.held];
    run(turn, s, repeatCurrent(defOf(s), s, note));
  }

  function sentToday(turn: Turn): number {
    const l = toLocal(new Date(turn.now));
    return svc.cases.countBySenderSince(turn.account.id, fromLocal(l.y, l.m, l.d).getTime());
  }
  function refuseOverLimit(turn: Turn): boolean {
    if (sentToday(turn) < limits.casesPerDay) return false;
    turn.reply({
      text: `Hôm nay Bác/Anh/Chị đã gửi ${limits.casesPerDay} phản ánh, là mức tối đa trong một ngày. Xin gửi tiếp vào ngày mai ạ. Việc khẩn cấp xin gọi Công an 113, Cứu hỏa 114, Cấp cứu 115.`,
    });
    return true;
  }

  const STOP_NOTE = 'Phản ánh chưa được gửi. Khi cần, gõ phản ánh (hoặc /phananh) để bắt đầu lại ạ.';

  // ---- starting --------------------------------------------------------------------------------

  function startCitizen(turn: Turn): void {
    if (refuseOverLimit(turn)) return;
    const meta: IntakeMeta = { mode: 'citizen' };
    turn.startFlow(
      feedbackCitizen,
      {
        vars: { ...o.notice, areaHint: areaHint('citizen'), contactHint: CONTACT_EXAMPLE },
        lists: { areas: [BROWSE] },
        flags: {},
      },
      { ...meta, stopNote: STOP_NOTE },
    );
  }

  function startCadre(turn: Turn, reportId?: number): void {
    const roles = turn.roles();
    if (!turn.person || !(roles.has('can_bo') || roles.has('truong_nhom'))) {
      turn.reply({ text: 'Chỉ cán bộ phụ trách địa bàn mới nhập phản ánh thay người dân được ạ.' });
      return;
    }
    const report = reportId !== undefined ? turn.store.report(reportId) : undefined;
    const own = turn.store.assignments(turn.person.id).filter((a) => a.role === 'can_bo');
    own.sort((a, b) => Number(b.unitId === report?.unitId) - Number(a.unitId === report?.unitId));
    const areas: Option[] = own.map((a) => ({
      key: `u${a.unitId}`,
      label: areaLabel({ name: a.unitName, path: a.unitPath }),
    }));
    const meta: IntakeMeta = { mode: 'cadre', ...(report ? { reportId: report.id } : {}) };
    turn.startFlow(
      feedbackCadre,
      {
        vars: { areaHint: areaHint('cadre'), contactHint: `${CONTACT_EXAMPLE} (không bắt buộc).` },
        lists: { areas: [...areas, BROWSE] },
        flags: {},
      },
      { ...meta, stopNote: STOP_NOTE },
    );
  }

  // ---- held questions --------------------------------------------------------------------------

  function onConsent(turn: Turn, s: SessionState): void {
    if (s.answers.D0 !== 'dong_y') {
      turn.store.setSessionStatus(turn.account.id, 'closed', turn.now);
      turn.session = null;
      turn.reply({
        text: `Dạ, Bác/Anh/Chị chưa đồng ý nên phản ánh chưa được gửi và không có thông tin nào được lưu lại. Khi cần, Bác/Anh/Chị gõ /phananh để gửi. Muốn khiếu nại, tố cáo chính thức, xin đến Bộ phận tiếp công dân của UBND ${o.notice.ubnd}.`,
      });
      return;
    }
    metaOf(s).consentAt = turn.now;
    // Only now, with consent, may a phone shared from the platform be offered for D9.
    const shared = turn.account.phone;
    if (shared) {
      s.ctx.vars.contactHint = `${CONTACT_EXAMPLE}. Nếu chỉ gõ họ tên, cán bộ sẽ liên hệ số Bác/Anh/Chị đã chia sẻ: ${displayPhone(shared)}.`;
    }
    accept(turn, s);
  }

  function onMedia(turn: Turn, s: SessionState, key: string): void {
    const a = s.answers[key];
    if (isMedia(a) && (a.size ?? 0) > limits.maxMediaBytes) {
      const mb = (n: number) => (n / (1024 * 1024)).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
      return reask(
        turn,
        s,
        `Tệp này nặng ${mb(a.size ?? 0)} MB, quá giới hạn ${mb(limits.maxMediaBytes)} MB. Xin gửi ảnh nhỏ hơn, ghi âm ngắn hơn, hoặc gõ chữ ạ.`,
      );
    }
    accept(turn, s);
  }

  function browse(turn: Turn, s: SessionState, parentId: number | null, offset = 0): void {
    const mode = metaOf(s).mode;
    let parent: UnitRow | undefined = parentId === null ? undefined : svc.cases.unit(parentId);
    let children = svc.cases.unitChildren(parent?.id ?? null);
    // From the top, a single unit (the province) is not a choice anyone needs: go down to where the tree branches.
    let top: number | null = null;
    if (parentId === null) {
      while (children.length === 1 && children[0]!.hasChildren) {
        parent = children[0]!;
        children = svc.cases.unitChildren(parent.id);
      }
      top = parent?.id ?? null;
    }
    const page = children.slice(offset, offset + limits.browsePage);
    const options: Option[] = [];
    if (parent && parent.id !== top)
      options.push({ key: `u${parent.id}`, label: `✔ ${parent.name} (cả địa bàn)` });
    for (const c of page) {
      options.push(
        c.hasChildren ? { key: `down${c.id}`, label: `${c.name} ›` } : { key: `u${c.id}`, label: c.name },
      );
    }
    if (offset + limits.browsePage < children.length) {
      options.push({ key: `more${parent?.id ?? 0}_${offset + limits.browsePage}`, label: 'Xem thêm ›' });
    }
    if (parent && parent.id !== top && parentId !== null) {
      options.push({ key: `up${parent.parentId ?? 0}`, label: '◀ Lên cấp trên' });
    }
    options.push(SEARCH);
    s.ctx.lists.areas = options;
    s.ctx.vars.areaHint = `${you(mode)} bấm tên để chọn; tên có dấu › thì bấm để xem các địa bàn bên trong.`;
    reask(turn, s, parent ? `Các địa bàn thuộc ${parent.name}:` : undefined);
  }

  function onArea(turn: Turn, s: SessionState): void {
    const mode = metaOf(s).mode;
    const value = String(s.answers.D3 ?? '');
    const offered = (s.ctx.lists.areas ?? []).some((opt) => opt.key === value);
    const m = offered ? /^(u|down|up|more)(\d+)(?:_(\d+))?$/.exec(value) : null;
    if (offered && value === BROWSE.key) return browse(turn, s, null);
    if (offered && value === RETYPE.key) {
      s.ctx.lists.areas = [BROWSE];
      s.ctx.vars.areaHint = areaHint(mode);
      return reask(turn, s);
    }
    if (m) {
      const id = Number(m[2]);
      if (m[1] === 'down') return browse(turn, s, id);
      if (m[1] === 'up') return browse(turn, s, id === 0 ? null : id);
      if (m[1] === 'more') return browse(turn, s, id === 0 ? null : id, Number(m[3] ?? 0));
      const unit = svc.cases.unit(id);
      if (unit) {
        s.ctx.lists.areas = [{ key: `u${unit.id}`, label: areaLabel(unit) }, BROWSE];
        s.ctx.vars.areaHint = areaHint(mode);
        return accept(turn, s);
      }
    }
    const matches = svc.cases.searchUnits(value, limits.areaMatches);
    if (matches.length === 0) {
      s.ctx.lists.areas = [BROWSE];
      s.ctx.vars.areaHint = areaHint(mode);
      return reask(
        turn,
        s,
        `Không tìm thấy địa bàn nào có tên “${value}”. ${you(mode)} gõ lại tên khác, hoặc chọn trong danh sách ạ.`,
      );
    }
    s.ctx.lists.areas = [...matches.map((u) => ({ key: `u${u.id}`, label: areaLabel(u) })), RETYPE, BROWSE];
    s.ctx.vars.areaHint = `${you(mode)} bấm chọn địa bàn.`;
    reask(
      turn,
      s,
      matches.length === 1
        ? `Tìm thấy 1 địa bàn có tên “${value}”:`
        : `Tìm thấy ${matches.length} địa bàn có tên “${value}”:`,
    );
  }

  function onContact(turn: Turn, s: SessionState): void {
    const meta = metaOf(s);
    const a = s.answers.D9;
    if (a === undefined) {
      delete meta.contact;
      return accept(turn, s);
    }
    if (typeof a !== 'string') return reask(turn, s, 'Xin gõ họ tên và số điện thoại bằng chữ ạ.');
    const parsed = parseContact(a);
    if (parsed.badPhone) {
      return reask(turn, s, 'Số điện thoại chưa đúng. Xin gõ số di động 10 chữ số, ví dụ: 0912 345 678.');
    }
    // A citizen's phone shared from the platform counts; a cadre's own phone never stands for the citizen's.
    const phone = parsed.phone ?? (meta.mode === 'citizen' ? turn.account.phone : null);
    const required = meta.mode === 'citizen' && s.answers.D6 !== 'chi_de_biet' && s.answers.D8 === 'khong';
    if (required && !parsed.name) return reask(turn, s, `Xin để lại cả họ tên ạ. ${CONTACT_EXAMPLE}.`);
    if (required && !phone) {
      return reask(turn, s, `Xin để lại cả số điện thoại để cán bộ liên hệ lại ạ. ${CONTACT_EXAMPLE}.`);
    }
    meta.contact = { ...(parsed.name ? { name: parsed.name } : {}), ...(phone ? { phone } : {}) };
    accept(turn, s);
  }

  // ---- submitting ------------------------------------------------------------------------------

  function submit(turn: Turn, s: SessionState): void {
    const meta = metaOf(s);
    const a = s.answers;
    const mode = meta.mode;
    if (mode === 'citizen' && refuseOverLimit(turn)) return;
    if (mode === 'cadre' && !turn.person) return;
    const unit = svc.cases.unit(Number(/^u(\d+)$/.exec(String(a.D3))?.[1]));
    if (!unit) {
      turn.reply({ text: 'Địa bàn đã chọn không còn trong danh sách. Xin gõ /phananh để gửi lại ạ.' });
      return;
    }
    const topic = String(a.D1);
    const year = toLocal(new Date(turn.now)).y;
    let code: string;
    // The counter is the numbering; a code taken some other way (an import) is skipped, never reused.
    do code = `PA-${year}-${String(turn.store.nextCounter(`case.PA.${year}`)).padStart(4, '0')}`;
    while (svc.cases.byCode(code));
    const consentHow = mode === 'citizen' ? 'chat' : String(a.D0c);
    const data: CaseData = {
      mode,
      content: a.D2,
      ...(isMedia(a.D4) ? { attachment: a.D4 } : {}),
      reportedTo: a.D5 as string,
      wish: a.D6 as string,
      senderType: a.D7 as string,
      ...(a.D9 !== undefined && meta.contact ? { contact: meta.contact } : {}),
      consent: { at: meta.consentAt ?? turn.now, how: consentHow },
      channel: turn.account.channel,
      flow: { id: s.flowId, version: s.version },
    };
    const actor = { personId: turn.person?.id ?? null, accountId: turn.account.id };
    let c = svc.cases.create({
      code,
      kind: 'phan_anh',
      unitId: unit.id,
      title: caseTitle(topic, unit.name),
      topic,
      anonymous: mode === 'citizen' && a.D8 === 'co',
      senderAccountId: mode === 'citizen' ? turn.account.id : null,
      enteredByPersonId: mode === 'cadre' ? turn.person!.id : null,
      sourceReportId: meta.reportId ?? null,
      data,
      now: turn.now,
      note: mode === 'citizen' ? 'Nhận qua kênh chat' : 'Cán bộ nhập hộ',
      actorPersonId: actor.personId,
      actorAccountId: actor.accountId,
    });
    if (mode === 'cadre' && svc.mayHandle(turn.person!.id, c)) {
      c = svc.changeStatus(c, 'da_tiep_nhan', { now: turn.now, actor, note: 'Cán bộ nhập hộ, đã tiếp nhận' });
    }
    const route = svc.routeTargets(unit.id);
    const heading =
      route.via === 'leader' ? '📣 Phản ánh mới (địa bàn chưa có cán bộ nhận tin)' : '📣 Phản ánh mới';
    const card = caseCard(c, heading, { enteredBy: mode === 'cadre' ? turn.person!.fullName : null });
    for (const p of route.people) {
      if (p.id === turn.person?.id) continue;
      svc.notifyPerson(
        p.id,
        { type: 'message', text: card, choices: CaseService.cadreButtons(c) },
        turn.now,
        `case.new:${c.id}:${p.id}`,
      );
    }
    turn.store.audit(
      'case_created',
      {
        personId: turn.person?.id,
        accountId: turn.account.id,
        subject: code,
        data: { via: route.via, mode },
      },
      turn.now,
    );

    if (mode === 'citizen') {
      const done = feedbackCitizen
        .done!.replace('{code}', code)
        .replace('{days}', `${o.intakeWorkingDays} ngày làm việc`);
      turn.reply({ text: `${done}\nĐể xem tình hình, Bác/Anh/Chị gõ: tra cứu ${code}` });
    } else {
      turn.reply({
        text: feedbackCadre.done!.replace('{code}', code),
        choices: [[{ label: '📝 Nhập việc tiếp theo', data: `fbn:${meta.reportId ?? 0}` }]],
      });
    }
  }

  // ---- wiring ----------------------------------------------------------------------------------

  const handler = (flowId: string): FlowHandler => ({
    flowId,
    onProgress(turn, s) {
      switch (s.held) {
        case 'D0':
          return onConsent(turn, s);
        case 'D2':
        case 'D4':
          return onMedia(turn, s, s.held);
        case 'D3':
          return onArea(turn, s);
        case 'D9':
          return onContact(turn, s);
        default:
      }
    },
    onSubmit: submit,
  });

  const phananh: Command = {
    name: 'phananh',
    aliases: ['phan anh', 'gui phan anh', 'gui y kien', 'phan anh kien nghi'],
    menuLabel: '📣 Gửi phản ánh',
    description: 'Gửi phản ánh, kiến nghị đến cán bộ phụ trách địa bàn',
    order: 20,
    run(turn) {
      const s = turn.session;
      if (s && FEEDBACK_FLOWS.has(s.flowId)) {
        // "Gửi phản ánh" typed on the review card means send it.
        if (s.cursor === REVIEW)
          return run(turn, s, resume(defOf(s), s, { type: 'button', seq: s.seq, value: 'submit' }));
        return conv.repeat(turn, `${you(metaOf(s).mode)} đang gửi dở một phản ánh. Tiếp tục:`);
      }
      startCitizen(turn);
    },
  };

  const nhapho: Command = {
    name: 'nhapho',
    aliases: ['nhap ho', 'nhap phan anh'],
    description: 'Nhập phản ánh thay người dân (nhập hộ)',
    order: 22,
    inMenu: (turn) => turn.roles().has('can_bo'),
    run(turn) {
      startCadre(turn);
    },
  };

  return {
    definitions: [feedbackCitizen, feedbackCadre],
    commands: [phananh, nhapho],
    flows: [handler(feedbackCitizen.id), handler(feedbackCadre.id)],
    buttons: [
      {
        prefix: 'fbn',
        run(turn, data) {
          const reportId = Number(data.split(':')[1] ?? 0);
          startCadre(turn, reportId > 0 ? reportId : undefined);
        },
      },
    ],
    startCadre,
  };
}
