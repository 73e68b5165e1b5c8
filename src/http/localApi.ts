/**
 * The local chat's API, behind the sign-in guard: the roster to pick from, send (text, button,
 * contact, place), upload a photo, and poll the chat's outbox rows. What the page sends goes
 * through the local adapter and the dispatcher like any platform's update.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Dispatcher } from '../bot/dispatcher.js';
import type { InboundContent } from '../bot/channel.js';
import { localInbound } from '../bot/local/inbound.js';
import type { AuditEntry, PersonRow, StoreEngine } from '../store/ports.js';

export const MEDIA_MAX_BYTES = 5 * 1024 * 1024;

const UserId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^(person:[A-Za-z0-9_-]+|guest:[A-Za-z0-9_-]+)$/);

const SendBody = z.object({
  user: UserId,
  id: z.string().max(80).optional(),
  text: z.string().max(20_000).optional(),
  button: z.string().max(64).optional(),
  contact: z.boolean().optional(),
  location: z
    .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
    .optional(),
});

const MediaQuery = z.object({ user: UserId, id: z.string().max(80).optional() });

const NOT_AN_IMAGE = 'Chỉ gửi được ảnh (JPEG, PNG, WebP, GIF, HEIC). Xin chọn lại.';

/** Image formats a phone's camera or gallery hands to a browser, recognised by their first bytes. */
function sniffImage(b: Buffer): { mimeType: string; ext: string } | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
    return { mimeType: 'image/jpeg', ext: 'jpg' };
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { mimeType: 'image/png', ext: 'png' };
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6)))
    return { mimeType: 'image/gif', ext: 'gif' };
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return { mimeType: 'image/webp', ext: 'webp' };
  if (
    b.length >= 12 &&
    b.toString('latin1', 4, 8) === 'ftyp' &&
    /^(heic|heix|mif1|msf1|heif)$/.test(b.toString('latin1', 8, 12))
  )
    return { mimeType: 'image/heic', ext: 'heic' };
  return null;
}

export interface LocalApiDeps {
  /** Each request reads in a unit of work of its own; what it sends goes through the dispatcher's. */
  engine: Pick<StoreEngine, 'run'>;
  dispatcher: Dispatcher;
  /** Where photos sent from the page are kept (next to the database). */
  mediaDir: string;
  audit(action: string, entry: AuditEntry): Promise<void>;
}

type Person = PersonRow | undefined;

export function localApiRoutes(api: FastifyInstance, deps: LocalApiDeps): void {
  const { engine } = deps;
  // The photo's own answers; anything else goes on to the app's error handler.
  api.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err.statusCode === 413)
      return reply.code(413).send({ error: 'Ảnh lớn quá (tối đa 5 MB). Xin chọn ảnh khác.' });
    if (err.statusCode === 415) return reply.code(415).send({ error: NOT_AN_IMAGE });
    throw err;
  });
  api.addContentTypeParser(
    /^image\/[a-z0-9.+-]+$/i,
    { parseAs: 'buffer', bodyLimit: MEDIA_MAX_BYTES },
    (_req, body, done) => done(null, body),
  );

  api.get('/local/api/people', async () =>
    engine.run(async ({ people }) => {
      const active = (await people.all()).filter((p) => p.active);
      return Promise.all(
        active.map(async (p) => ({
          code: p.code,
          name: p.fullName,
          roles: [...new Set((await people.assignments(p.id)).map((a) => a.role))],
        })),
      );
    }),
  );
  const send = sender(deps);
  api.post('/local/api/send', async (req, reply) => sendRoute(deps, send, req, reply));
  api.post('/local/api/media', async (req, reply) => mediaRoute(deps, send, req, reply));
  api.get('/local/api/messages', async (req, reply) => {
    const q = z
      .object({ user: z.string().min(1).max(80), after: z.coerce.number().int().min(0).default(0) })
      .safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'Tham số không hợp lệ' });
    const rows = await engine.run(({ outbox }) =>
      outbox.rows({ channel: 'local', chatId: q.data.user, afterId: q.data.after }),
    );
    return rows.map((r) => ({ id: r.id, status: r.status, ref: r.ref, payload: r.payload }));
  });
}

type Send = (
  req: FastifyRequest,
  user: string,
  id: string | undefined,
  personId: number | undefined,
  content: InboundContent,
) => Promise<{ ok: true; outcome: string }>;

/** Audited, then verify → parse → dispatch like any platform's update; answered after the commit. */
function sender({ dispatcher, audit }: LocalApiDeps): Send {
  return async (req, user, id, personId, content) => {
    await audit('local_chat.send', {
      personId,
      subject: user,
      data: { kind: content.kind, via: req.localChatVia },
    });
    localInbound.verify({ headers: req.headers });
    const [outcome] = await dispatcher.dispatch(localInbound.parse({ user, id, content }));
    return { ok: true, outcome: outcome! };
  };
}

/** The roster person a "person:CODE" user speaks as; a guest is nobody; false: no such person. */
async function personOf(deps: LocalApiDeps, user: string): Promise<Person | false> {
  if (!user.startsWith('person:')) return undefined;
  const code = user.slice(7);
  return (await deps.engine.run(({ people }) => people.byCode(code))) ?? false;
}

async function sendRoute(deps: LocalApiDeps, send: Send, req: FastifyRequest, reply: FastifyReply) {
  const parsed = SendBody.safeParse(req.body);
  if (!parsed.success) return reply.code(400).send({ error: 'Dữ liệu gửi không hợp lệ' });
  const b = parsed.data;
  const person = await personOf(deps, b.user);
  if (person === false) return reply.code(404).send({ error: 'Không có người này trong danh sách' });
  let content: InboundContent;
  if (b.button !== undefined) content = { kind: 'button', data: b.button };
  else if (b.contact) {
    if (!person?.phone)
      return reply.code(400).send({ error: 'Người này không có số điện thoại trong danh sách' });
    content = { kind: 'contact', phone: person.phone, own: true };
  } else if (b.location) content = { kind: 'location', ...b.location };
  else if (b.text !== undefined) content = { kind: 'text', text: b.text.normalize('NFC') };
  else return reply.code(400).send({ error: 'Thiếu nội dung' });
  return send(req, b.user, b.id, person?.id, content);
}

async function mediaRoute(deps: LocalApiDeps, send: Send, req: FastifyRequest, reply: FastifyReply) {
  const q = MediaQuery.safeParse(req.query);
  if (!q.success) return reply.code(400).send({ error: 'Tham số không hợp lệ' });
  const person = await personOf(deps, q.data.user);
  if (person === false) return reply.code(404).send({ error: 'Không có người này trong danh sách' });
  const body = req.body;
  if (Buffer.isBuffer(body) && body.length === 0)
    return reply.code(400).send({ error: 'Chưa có ảnh. Xin chọn ảnh rồi gửi lại.' });
  // Only image/* bodies arrive as bytes; the bytes themselves must be an image too.
  const kind = Buffer.isBuffer(body) ? sniffImage(body) : null;
  if (!kind || !Buffer.isBuffer(body)) return reply.code(415).send({ error: NOT_AN_IMAGE });
  const fileName = `${randomUUID()}.${kind.ext}`;
  mkdirSync(deps.mediaDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(deps.mediaDir, fileName), body, { mode: 0o600 });
  return send(req, q.data.user, q.data.id, person?.id, {
    kind: 'media',
    media: {
      type: 'media',
      mediaType: 'photo',
      fileId: `local:${fileName}`,
      mimeType: kind.mimeType,
      size: body.length,
    },
  });
}
