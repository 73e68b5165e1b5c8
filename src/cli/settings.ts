/** `namtinhhinh settings doc-header` (DESIGN.md §5): the formal document's settings for a scope. */
import { readFileSync } from 'node:fs';
import { CliError, type CliCommand } from './types.js';
import { commonRoot, findUnit } from '../features/digests/jobs.js';
import {
  DocSettingsStore,
  docHeaderSettingsSchema,
  exportDocHeaderFile,
  importDocHeaderFile,
  isDocHeaderKey,
} from '../store/docSettings.js';
import { Store } from '../store/store.js';
import type { UnitRow } from '../store/ports.js';
import { FileRefused, outFileOptions, writePrivateFile } from '../store/privateFile.js';
import {
  DOC_HEADER_KEYS,
  DOC_HEADER_LABELS,
  type DocHeaderKey,
  type DocHeaderSettings,
  type FieldSource,
} from '../digest/template.js';

const SOURCE_LABELS: Record<FieldSource, string> = {
  roster: 'theo danh sách',
  database: 'đã đặt',
  default: 'mặc định',
  unset: 'chưa đặt – văn bản để dòng chấm',
};

/** "recipients=A; B" → the list; any other key its text. An empty value unsets the key. */
function applySet(settings: DocHeaderSettings, assignment: string): DocHeaderSettings {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new CliError(`--set cần dạng KEY=VALUE, nhận được "${assignment}".`);
  const key = assignment.slice(0, eq).trim();
  const value = assignment.slice(eq + 1);
  if (!isDocHeaderKey(key)) {
    throw new CliError(`Khóa "${key}" không có; các khóa: ${DOC_HEADER_KEYS.join(', ')}.`);
  }
  const next: Record<string, unknown> = { ...settings };
  next[key] =
    key === 'recipients'
      ? value
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean)
      : value;
  const parsed = docHeaderSettingsSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`Giá trị của ${key} không hợp lệ: ${issue?.message ?? 'không rõ'}.`);
  }
  return parsed.data as DocHeaderSettings;
}

function show(value: string | string[] | null): string {
  if (value === null) return '…';
  return Array.isArray(value) ? value.join('; ') : value;
}

export const docHeaderCliCommands: CliCommand[] = [
  {
    path: ['settings', 'doc-header'],
    usage:
      'namtinhhinh settings doc-header [--scope ĐỊA_BÀN] [--set KEY=VALUE]… [--json] [--import FILE] [--export FILE [--force]]',
    summary:
      'Cơ quan ban hành, địa danh, căn cứ, nơi nhận, người ký của văn bản báo cáo cho một địa bàn (mặc định: toàn bộ). ' +
      `Khóa: ${DOC_HEADER_KEYS.join(', ')}; recipients ngăn cách bằng ";"; KEY= để bỏ. ` +
      '--import/--export: tệp theo mẫu config/doc-header.example.json.',
    options: {
      scope: { type: 'string' },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      import: { type: 'string' },
      export: { type: 'string' },
      force: { type: 'boolean' },
    },
    async run(ctx, { values }) {
      const db = ctx.db();
      const store = new Store(db);
      const docs = new DocSettingsStore(db);
      const now = Date.now();
      const scopeArg = typeof values.scope === 'string' && values.scope !== '' ? values.scope : undefined;
      const sets = (values.set as string[] | undefined) ?? [];
      const force = values.force === true;
      if (force && typeof values.export !== 'string')
        throw new CliError('--force chỉ dùng cùng --export FILE.');

      if (typeof values.import === 'string') {
        const file = values.import;
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          throw new CliError(`Không đọc được tệp: ${file}`);
        }
        const r = importDocHeaderFile(db, text, now);
        if (!r.ok) {
          ctx.err(`Tệp ${file} có ${r.errors.length} lỗi, chưa ghi gì:`);
          for (const e of r.errors) ctx.err(`  ${e}`);
          return 1;
        }
        store.audit('doc_header.import', { subject: file, data: { scopes: r.scopes } }, now);
        ctx.out(`Đã nhập thiết lập văn bản cho ${r.scopes.length} địa bàn từ ${file}.`);
        if (sets.length === 0 && typeof values.export !== 'string' && !scopeArg && !values.json) return 0;
      }

      // Each look-up of the scope is a unit of work of its own, so the command's writes keep their
      // own transactions: an unknown scope after an import leaves the import done.
      const findScope = (): Promise<UnitRow | undefined> =>
        store.engine.run((repos) =>
          scopeArg ? findUnit(repos, scopeArg.normalize('NFC').trim()) : commonRoot(repos),
        );
      const resolveScope = async (): Promise<UnitRow> => {
        const unit = await findScope();
        if (!unit) {
          throw new CliError(
            scopeArg
              ? `Không tìm thấy địa bàn "${scopeArg}".`
              : 'Chưa có địa bàn nào; hãy nhập danh sách trước.',
          );
        }
        return unit;
      };

      if (sets.length > 0) {
        const unit = await resolveScope();
        let settings = docs.get(unit.path);
        for (const s of sets) settings = applySet(settings, s);
        store.transaction(() => {
          docs.put(unit.path, settings, now);
          const keys = sets.map((s) => s.slice(0, s.indexOf('=')).trim());
          store.audit('doc_header.set', { subject: unit.path, data: { keys } }, now);
        });
      }

      if (typeof values.export === 'string') {
        const file = values.export;
        const scoped = scopeArg ? await resolveScope() : undefined;
        const entries = scoped ? [{ path: scoped.path, settings: docs.get(scoped.path) }] : docs.all();
        try {
          writePrivateFile(file, exportDocHeaderFile(entries), outFileOptions(force));
        } catch (e) {
          if (e instanceof FileRefused) throw new CliError(e.message);
          throw e;
        }
        ctx.out(`Đã xuất thiết lập văn bản của ${entries.length} địa bàn ra ${file}.`);
        return 0;
      }

      const unit = await resolveScope();
      const r = docs.resolve(unit);
      if (values.json) {
        ctx.out(JSON.stringify({ scope: unit.path, fields: r.fields, unset: r.unset }, null, 2));
        return 0;
      }
      ctx.out(`Văn bản báo cáo của ${unit.path}:`);
      for (const key of DOC_HEADER_KEYS as readonly DocHeaderKey[]) {
        const f = r.fields[key];
        ctx.out(`  ${key} (${DOC_HEADER_LABELS[key]}): ${show(f.value)} [${SOURCE_LABELS[f.source]}]`);
      }
      return 0;
    },
  },
];
