/**
 * Gửi phản ánh in the chat: `/phananh` for anyone, on the roster or not, and the cadre's "nhập hộ"
 * (`/nhapho`, the button after a weekly report). The held questions are resolved by the check their
 * definition declares (consent, media size, the area, the contact details); filing the case and
 * telling the cadres are in features/cases.
 */
import { proceed, REVIEW, repeatCurrent, resume } from '../../flows/engine.js';
import { feedbackCadre, feedbackCitizen } from '../../flows/defs/feedback.js';
import type { FlowDef, Option, StepResult } from '../../flows/types.js';
import { areaById, browseAreas, findAreas, typedAreaExample } from '../../features/cases/areas.js';
import {
  cadreIntakeAreas,
  checkContact,
  overDailyLimit,
  oversizedMedia,
  submitCase,
  type Contact,
  type ContactCheck,
  type IntakeMode,
} from '../../features/cases/intake.js';
import type { CaseNotice, CasePorts, FeedbackLimits } from '../../features/cases/ports.js';
import { areaLabel, displayPhone } from '../../features/cases/texts.js';
import type { Conversation } from '../conversation.js';
import { handledChecks, runHeldCheck, type CheckRegistry } from './checks.js';
import {
  hasRole,
  type Command,
  type Feature,
  type FlowHandler,
  type SessionState,
  type Turn,
} from '../turn.js';

export interface IntakeChat {
  conv: Conversation;
  ports: CasePorts;
  limits: FeedbackLimits;
  /** Filled into D0: whose channel this is, and where formal complaints go. */
  notice: CaseNotice;
}

interface IntakeMeta {
  mode: IntakeMode;
  reportId?: number;
  consentAt?: number;
  contact?: Contact;
}

const FEEDBACK_FLOWS = new Set([feedbackCitizen.id, feedbackCadre.id]);

const BROWSE: Option = { key: 'browse', label: '📋 Chọn trong danh sách' };
const RETYPE: Option = { key: 'retype', label: 'Không thấy? Gõ lại tên khác' };
const SEARCH: Option = { key: 'retype', label: '🔎 Gõ tên để tìm' };
const CONTACT_EXAMPLE = 'Ví dụ: Nguyễn Văn An 0912 345 678';
const STOP_NOTE = 'Phản ánh chưa được gửi. Khi cần, gõ phản ánh (hoặc /phananh) để bắt đầu lại ạ.';

const you = (mode: IntakeMode) => (mode === 'citizen' ? 'Bác/Anh/Chị' : 'Đồng chí');
const defOf = (s: SessionState): FlowDef => (s.flowId === feedbackCadre.id ? feedbackCadre : feedbackCitizen);
const metaOf = (s: SessionState) => s.meta as unknown as IntakeMeta;

function areaHint(d: IntakeChat, mode: IntakeMode): string {
  const example = typedAreaExample(d.ports);
  return `${you(mode)} gõ một phần tên thôn, khu phố (không dấu cũng được)${example ? `, ví dụ: ${example}` : ''}. Hoặc bấm "${BROWSE.label}".`;
}

async function run(d: IntakeChat, turn: Turn, s: SessionState, r: StepResult): Promise<void> {
  await d.conv.apply(turn, { ...r.session, meta: s.meta }, r.effects, r.outcome);
}
async function accept(d: IntakeChat, turn: Turn, s: SessionState): Promise<void> {
  await run(d, turn, s, proceed(defOf(s), s));
}
async function reask(d: IntakeChat, turn: Turn, s: SessionState, note?: string): Promise<void> {
  if (s.held) delete s.answers[s.held];
  await run(d, turn, s, repeatCurrent(defOf(s), s, note));
}

function refuseOverLimit(d: IntakeChat, turn: Turn): boolean {
  const casesPerDay = d.limits.casesPerDay;
  if (!overDailyLimit(d.ports, { accountId: turn.account.id, now: turn.now, casesPerDay })) return false;
  replyOverLimit(d, turn);
  return true;
}
function replyOverLimit(d: IntakeChat, turn: Turn): void {
  turn.reply({
    text: `Hôm nay Bác/Anh/Chị đã gửi ${d.limits.casesPerDay} phản ánh, là mức tối đa trong một ngày. Xin gửi tiếp vào ngày mai ạ. Việc khẩn cấp xin gọi Công an 113, Cứu hỏa 114, Cấp cứu 115.`,
  });
}

// ---- starting ------------------------------------------------------------------------------------

async function startCitizen(d: IntakeChat, turn: Turn): Promise<void> {
  if (refuseOverLimit(d, turn)) return;
  const meta: IntakeMeta = { mode: 'citizen' };
  await turn.startFlow(
    feedbackCitizen,
    {
      vars: { ...d.notice, areaHint: areaHint(d, 'citizen'), contactHint: CONTACT_EXAMPLE },
      lists: { areas: [BROWSE] },
      flags: {},
    },
    { ...meta, stopNote: STOP_NOTE },
  );
}

export async function startCadre(d: IntakeChat, turn: Turn, reportId?: number): Promise<void> {
  if (!turn.person || !(await hasRole(turn, 'can_bo', 'truong_nhom'))) {
    turn.reply({ text: 'Chỉ cán bộ phụ trách địa bàn mới nhập phản ánh thay người dân được ạ.' });
    return;
  }
  const own = cadreIntakeAreas(d.ports, { personId: turn.person.id, reportId });
  const areas: Option[] = own.areas.map((a) => ({
    key: `u${a.unitId}`,
    label: areaLabel({ name: a.unitName, path: a.unitPath }),
  }));
  const meta: IntakeMeta = {
    mode: 'cadre',
    ...(own.reportId !== undefined ? { reportId: own.reportId } : {}),
  };
  await turn.startFlow(
    feedbackCadre,
    {
      vars: { areaHint: areaHint(d, 'cadre'), contactHint: `${CONTACT_EXAMPLE} (không bắt buộc).` },
      lists: { areas: [...areas, BROWSE] },
      flags: {},
    },
    { ...meta, stopNote: STOP_NOTE },
  );
}

// ---- held questions ------------------------------------------------------------------------------

async function onConsent(d: IntakeChat, turn: Turn, s: SessionState, key: string): Promise<void> {
  if (s.answers[key] !== 'dong_y') {
    turn.store.setSessionStatus(turn.account.id, 'closed', turn.now);
    turn.session = null;
    turn.reply({
      text: `Dạ, Bác/Anh/Chị chưa đồng ý nên phản ánh chưa được gửi và không có thông tin nào được lưu lại. Khi cần, Bác/Anh/Chị gõ /phananh để gửi. Muốn khiếu nại, tố cáo chính thức, xin đến Bộ phận tiếp công dân của UBND ${d.notice.ubnd}.`,
    });
    return;
  }
  metaOf(s).consentAt = turn.now;
  // Only now, with consent, may a phone shared from the platform be offered for D9.
  const shared = turn.account.phone;
  if (shared) {
    s.ctx.vars.contactHint = `${CONTACT_EXAMPLE}. Nếu chỉ gõ họ tên, cán bộ sẽ liên hệ số Bác/Anh/Chị đã chia sẻ: ${displayPhone(shared)}.`;
  }
  await accept(d, turn, s);
}

async function onMedia(d: IntakeChat, turn: Turn, s: SessionState, key: string): Promise<void> {
  const size = oversizedMedia(s.answers[key], d.limits.maxMediaBytes);
  if (size !== null) {
    const mb = (n: number) => (n / (1024 * 1024)).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
    return reask(
      d,
      turn,
      s,
      `Tệp này nặng ${mb(size)} MB, quá giới hạn ${mb(d.limits.maxMediaBytes)} MB. Xin gửi ảnh nhỏ hơn, ghi âm ngắn hơn, hoặc gõ chữ ạ.`,
    );
  }
  await accept(d, turn, s);
}

async function browse(
  d: IntakeChat,
  turn: Turn,
  s: SessionState,
  parentId: number | null,
  offset = 0,
): Promise<void> {
  const mode = metaOf(s).mode;
  const { parent, top, page, nextOffset } = browseAreas(d.ports, {
    parentId,
    offset,
    pageSize: d.limits.browsePage,
  });
  const options: Option[] = [];
  if (parent && parent.id !== top)
    options.push({ key: `u${parent.id}`, label: `✔ ${parent.name} (cả địa bàn)` });
  for (const c of page) {
    options.push(
      c.hasChildren ? { key: `down${c.id}`, label: `${c.name} ›` } : { key: `u${c.id}`, label: c.name },
    );
  }
  if (nextOffset !== null) options.push({ key: `more${parent?.id ?? 0}_${nextOffset}`, label: 'Xem thêm ›' });
  if (parent && parent.id !== top && parentId !== null) {
    options.push({ key: `up${parent.parentId ?? 0}`, label: '◀ Lên cấp trên' });
  }
  options.push(SEARCH);
  s.ctx.lists.areas = options;
  s.ctx.vars.areaHint = `${you(mode)} bấm tên để chọn; tên có dấu › thì bấm để xem các địa bàn bên trong.`;
  await reask(d, turn, s, parent ? `Các địa bàn thuộc ${parent.name}:` : undefined);
}

/** A button of the area list: browse down, up or on, search again, or a unit picked. */
async function onAreaButton(d: IntakeChat, turn: Turn, s: SessionState, value: string): Promise<boolean> {
  const mode = metaOf(s).mode;
  const m = /^(u|down|up|more)(\d+)(?:_(\d+))?$/.exec(value);
  if (value === BROWSE.key) return (await browse(d, turn, s, null), true);
  if (value === RETYPE.key) {
    s.ctx.lists.areas = [BROWSE];
    s.ctx.vars.areaHint = areaHint(d, mode);
    return (await reask(d, turn, s), true);
  }
  if (!m) return false;
  const id = Number(m[2]);
  if (m[1] === 'down') return (await browse(d, turn, s, id), true);
  if (m[1] === 'up') return (await browse(d, turn, s, id === 0 ? null : id), true);
  if (m[1] === 'more') return (await browse(d, turn, s, id === 0 ? null : id, Number(m[3] ?? 0)), true);
  const unit = areaById(d.ports, id);
  if (!unit) return false;
  s.ctx.lists.areas = [{ key: `u${unit.id}`, label: areaLabel(unit) }, BROWSE];
  s.ctx.vars.areaHint = areaHint(d, mode);
  await accept(d, turn, s);
  return true;
}

async function onArea(d: IntakeChat, turn: Turn, s: SessionState, key: string): Promise<void> {
  const mode = metaOf(s).mode;
  const value = String(s.answers[key] ?? '');
  const offered = (s.ctx.lists.areas ?? []).some((opt) => opt.key === value);
  if (offered && (await onAreaButton(d, turn, s, value))) return;
  const matches = findAreas(d.ports, value, d.limits.areaMatches);
  if (matches.length === 0) {
    s.ctx.lists.areas = [BROWSE];
    s.ctx.vars.areaHint = areaHint(d, mode);
    return reask(
      d,
      turn,
      s,
      `Không tìm thấy địa bàn nào có tên “${value}”. ${you(mode)} gõ lại tên khác, hoặc chọn trong danh sách ạ.`,
    );
  }
  s.ctx.lists.areas = [...matches.map((u) => ({ key: `u${u.id}`, label: areaLabel(u) })), RETYPE, BROWSE];
  s.ctx.vars.areaHint = `${you(mode)} bấm chọn địa bàn.`;
  await reask(
    d,
    turn,
    s,
    matches.length === 1
      ? `Tìm thấy 1 địa bàn có tên “${value}”:`
      : `Tìm thấy ${matches.length} địa bàn có tên “${value}”:`,
  );
}

const CONTACT_PROBLEMS: Record<Exclude<ContactCheck, { ok: true }>['problem'], string> = {
  not_text: 'Xin gõ họ tên và số điện thoại bằng chữ ạ.',
  bad_phone: 'Số điện thoại chưa đúng. Xin gõ số di động 10 chữ số, ví dụ: 0912 345 678.',
  name_missing: `Xin để lại cả họ tên ạ. ${CONTACT_EXAMPLE}.`,
  phone_missing: `Xin để lại cả số điện thoại để cán bộ liên hệ lại ạ. ${CONTACT_EXAMPLE}.`,
};

async function onContact(d: IntakeChat, turn: Turn, s: SessionState, key: string): Promise<void> {
  const meta = metaOf(s);
  const answer = s.answers[key];
  if (answer === undefined) {
    delete meta.contact;
    return accept(d, turn, s);
  }
  const r = checkContact({
    answer,
    mode: meta.mode,
    sharedPhone: turn.account.phone,
    required: meta.mode === 'citizen' && s.answers.D6 !== 'chi_de_biet' && s.answers.D8 === 'khong',
  });
  if (!r.ok) return reask(d, turn, s, CONTACT_PROBLEMS[r.problem]);
  meta.contact = r.contact;
  await accept(d, turn, s);
}

/** The checks the feedback flows declare, by name (src/flows/defs/feedback.ts). */
export const INTAKE_CHECKS = {
  consent: onConsent,
  media_size: onMedia,
  area_lookup: onArea,
  contact_details: onContact,
} satisfies CheckRegistry<IntakeChat>;

// ---- submitting ----------------------------------------------------------------------------------

function submit(d: IntakeChat, turn: Turn, s: SessionState): void {
  const meta = metaOf(s);
  const r = submitCase(d.ports, {
    mode: meta.mode,
    unitId: Number(/^u(\d+)$/.exec(String(s.answers.D3))?.[1]),
    answers: s.answers,
    flow: { id: s.flowId, version: s.version },
    consentAt: meta.consentAt,
    contact: meta.contact,
    reportId: meta.reportId,
    account: turn.account,
    person: turn.person,
    now: turn.now,
    casesPerDay: d.limits.casesPerDay,
  });
  if (r.status === 'over_limit') return replyOverLimit(d, turn);
  if (r.status === 'no_person') return;
  if (r.status === 'no_area') {
    turn.reply({ text: 'Địa bàn đã chọn không còn trong danh sách. Xin gõ /phananh để gửi lại ạ.' });
    return;
  }
  if (meta.mode === 'citizen') {
    const done = feedbackCitizen
      .done!.replace('{code}', r.code)
      .replace('{days}', `${d.ports.rules.intakeWorkingDays} ngày làm việc`);
    turn.reply({ text: `${done}\nĐể xem tình hình, Bác/Anh/Chị gõ: tra cứu ${r.code}` });
  } else {
    turn.reply({
      text: feedbackCadre.done!.replace('{code}', r.code),
      choices: [[{ label: '📝 Nhập việc tiếp theo', data: `fbn:${meta.reportId ?? 0}` }]],
    });
  }
}

// ---- wiring --------------------------------------------------------------------------------------

function phananhCommand(d: IntakeChat): Command {
  return {
    name: 'phananh',
    aliases: ['phan anh', 'gui phan anh', 'gui y kien', 'phan anh kien nghi'],
    menuLabel: '📣 Gửi phản ánh',
    description: 'Gửi phản ánh, kiến nghị đến cán bộ phụ trách địa bàn',
    order: 20,
    async run(turn) {
      const s = turn.session;
      if (s && FEEDBACK_FLOWS.has(s.flowId)) {
        // "Gửi phản ánh" typed on the review card means send it.
        if (s.cursor === REVIEW)
          return run(d, turn, s, resume(defOf(s), s, { type: 'button', seq: s.seq, value: 'submit' }));
        return d.conv.repeat(turn, `${you(metaOf(s).mode)} đang gửi dở một phản ánh. Tiếp tục:`);
      }
      await startCitizen(d, turn);
    },
  };
}

export function intakeFeature(d: IntakeChat): Feature {
  const handler = (flowId: string): FlowHandler => ({
    flowId,
    checks: handledChecks(INTAKE_CHECKS),
    onProgress: (turn, s) => runHeldCheck(INTAKE_CHECKS, d, defOf(s), turn, s),
    onSubmit: (turn, s) => submit(d, turn, s),
  });
  const nhapho: Command = {
    name: 'nhapho',
    aliases: ['nhap ho', 'nhap phan anh'],
    description: 'Nhập phản ánh thay người dân (nhập hộ)',
    order: 22,
    inMenu: (turn) => hasRole(turn, 'can_bo'),
    run: (turn) => startCadre(d, turn),
  };
  return {
    definitions: [feedbackCitizen, feedbackCadre],
    commands: [phananhCommand(d), nhapho],
    flows: [handler(feedbackCitizen.id), handler(feedbackCadre.id)],
    buttons: [
      {
        prefix: 'fbn',
        async run(turn, data) {
          const reportId = Number(data.split(':')[1] ?? 0);
          await startCadre(d, turn, reportId > 0 ? reportId : undefined);
        },
      },
    ],
  };
}
