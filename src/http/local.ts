/**
 * HTTP side of the local chat (src/bot/local): the page, the roster to pick from, send, upload and poll.
 *
 * The token check belongs to the API routes' own plugin scope, never to URL text: the router decodes
 * `/%6cocal/…` into `/local/…`, a prefix test on the raw URL does not.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Dispatcher } from '../bot/dispatcher.js';
import type { InboundContent } from '../bot/channel.js';
import type { Store } from '../store/store.js';

const asset = (name: string) => readFileSync(new URL(`../../src/bot/local/${name}`, import.meta.url), 'utf8');
const PAGE = asset('page.html');
const SCRIPT = asset('page.js');
const STYLE = asset('page.css');

export const SESSION_COOKIE = 'ntt_local';
const SESSION_TTL_MS = 12 * 3600_000;
/** Wrong tokens allowed per address and window before every attempt from it is refused. */
export const SIGN_IN_MAX_FAILURES = 10;
const SIGN_IN_WINDOW_MS = 15 * 60_000;
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

const SignInBody = z.object({ token: z.string().max(1024) });

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

/** Equal-length digests, so neither the content nor the length of the token leaks through timing. */
function sameSecret(given: string, want: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(want).digest();
  return timingSafeEqual(a, b);
}

type Via = 'open' | 'bearer' | 'cookie';

declare module 'fastify' {
  interface FastifyRequest {
    localChatVia?: Via;
  }
}

export interface LocalChatDeps {
  store: Store;
  dispatcher: Dispatcher;
  adminToken?: string;
  /** https: the session cookie is marked Secure. */
  publicUrl?: string;
  /** Where photos sent from the page are kept (next to the database). */
  mediaDir: string;
  clock: () => number;
}

export function registerLocalChat(app: FastifyInstance, deps: LocalChatDeps): void {
  const { store, dispatcher, adminToken } = deps;
  const audit = (action: string, p: Parameters<Store['audit']>[1]) => store.audit(action, p, deps.clock());

  void app.register(async (scope) => {
    // Security headers where a browser comes: the webhooks answer platforms, for which they protect
    // nothing and cost a hook per update. No inline script or style is allowed, so text from the
    // roster or a chat can never run as code in the page.
    await scope.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    });
    await scope.register(fastifyCookie);
    await scope.register(fastifyRateLimit, { global: false });
    const failures = scope.createRateLimit({ max: SIGN_IN_MAX_FAILURES, timeWindow: SIGN_IN_WINDOW_MS });
    /** Session id → expiry (ms). In memory: after a restart the page simply asks for the token again. */
    const sessions = new Map<string, number>();

    const tooMany = (reply: FastifyReply) =>
      reply.code(429).send({
        error: 'Nhập sai mã quá nhiều lần. Xin đồng chí đợi 15 phút rồi thử lại.',
      });
    const blocked = async (req: FastifyRequest) => {
      const r = await failures(req, { increment: false });
      return !r.isAllowed && r.remaining === 0;
    };
    /** Counts one wrong token; true once the address has used up its attempts. */
    const failed = async (req: FastifyRequest, via: 'form' | 'bearer') => {
      const r = await failures(req);
      audit('local_chat.sign_in_failed', { subject: `ip:${req.ip}`, data: { via } });
      return !r.isAllowed && r.isExceeded;
    };

    scope.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE),
    );
    scope.get('/local.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(SCRIPT),
    );
    // Browsers ask for it on every page; an empty answer keeps a 404 out of their console.
    scope.get('/favicon.ico', async (_req, reply) =>
      reply.code(204).header('cache-control', 'max-age=86400').send(),
    );
    scope.get('/local.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(STYLE),
    );

    // Outside the guarded scope: this is how a browser gets in. The token travels once, in a body.
    scope.post('/local/api/session', async (req, reply) => {
      if (!adminToken) return { ok: true, needed: false };
      if (await blocked(req)) return tooMany(reply);
      const parsed = SignInBody.safeParse(req.body);
      if (!parsed.success || !sameSecret(parsed.data.token.trim(), adminToken)) {
        if (await failed(req, 'form')) return tooMany(reply);
        return reply.code(401).send({ error: 'Mã truy cập không đúng. Xin đồng chí kiểm tra lại.' });
      }
      const now = Date.now();
      for (const [id, until] of sessions) if (until <= now) sessions.delete(id);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, now + SESSION_TTL_MS);
      audit('local_chat.sign_in', { subject: `ip:${req.ip}`, data: { via: 'form' } });
      const secure = req.protocol === 'https' || (deps.publicUrl?.startsWith('https:') ?? false);
      return reply
        .setCookie(SESSION_COOKIE, id, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure,
          maxAge: SESSION_TTL_MS / 1000,
        })
        .send({ ok: true, needed: true });
    });

    await scope.register(async (api) => {
      api.addHook('onRequest', async (req, reply) => {
        if (!adminToken) {
          req.localChatVia = 'open';
          return;
        }
        const sid = req.cookies[SESSION_COOKIE];
        if (sid && (sessions.get(sid) ?? 0) > Date.now()) {
          req.localChatVia = 'cookie';
          return;
        }
        const auth = req.headers.authorization;
        if (auth !== undefined) {
          if (await blocked(req)) return tooMany(reply);
          // Trimmed like the form's token and like ADMIN_TOKEN itself (config trims it).
          const given = auth.replace(/^Bearer\s+/i, '').trim();
          if (sameSecret(given, adminToken)) {
            req.localChatVia = 'bearer';
            return;
          }
          if (await failed(req, 'bearer')) return tooMany(reply);
        }
        // A missing or expired session cookie is not a guess at the token: it is not counted.
        return reply.code(401).send({ error: 'Cần đăng nhập bằng mã truy cập (ADMIN_TOKEN).', signIn: true });
      });

      // The photo's own answers; anything else goes on to the app's error handler.
      api.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
        if (err.statusCode === 413)
          return reply.code(413).send({ error: 'Ảnh lớn quá (tối đa 5 MB). Xin chọn ảnh khác.' });
        if (err.statusCode === 415)
          return reply
            .code(415)
            .send({ error: 'Chỉ gửi được ảnh (JPEG, PNG, WebP, GIF, HEIC). Xin chọn lại.' });
        throw err;
      });
      api.addContentTypeParser(
        /^image\/[a-z0-9.+-]+$/i,
        { parseAs: 'buffer', bodyLimit: MEDIA_MAX_BYTES },
        (_req, body, done) => done(null, body),
      );

      api.get('/local/api/people', async () =>
        store
          .allPeople()
          .filter((p) => p.active)
          .map((p) => ({
            code: p.code,
            name: p.fullName,
            roles: [...new Set(store.assignments(p.id).map((a) => a.role))],
          })),
      );

      const dispatchFrom = async (
        req: FastifyRequest,
        user: string,
        updateId: string | undefined,
        personId: number | undefined,
        content: InboundContent,
      ) => {
        audit('local_chat.send', {
          personId,
          subject: user,
          data: { kind: content.kind, via: req.localChatVia },
        });
        return dispatcher.dispatch({
          channel: 'local',
          updateId: updateId ?? randomUUID(),
          senderId: user,
          chatId: user,
          chatType: 'private',
          content,
        });
      };

      api.post('/local/api/send', async (req, reply) => {
        const parsed = SendBody.safeParse(req.body);
        if (!parsed.success) return reply.code(400).send({ error: 'Dữ liệu gửi không hợp lệ' });
        const b = parsed.data;
        let content: InboundContent;
        let person: ReturnType<Store['personByCode']> = undefined;
        if (b.user.startsWith('person:')) {
          person = store.personByCode(b.user.slice(7));
          if (!person) return reply.code(404).send({ error: 'Không có người này trong danh sách' });
        }
        if (b.button !== undefined) content = { kind: 'button', data: b.button };
        else if (b.contact) {
          if (!person?.phone)
            return reply.code(400).send({ error: 'Người này không có số điện thoại trong danh sách' });
          content = { kind: 'contact', phone: person.phone, own: true };
        } else if (b.location) content = { kind: 'location', ...b.location };
        else if (b.text !== undefined) content = { kind: 'text', text: b.text.normalize('NFC') };
        else return reply.code(400).send({ error: 'Thiếu nội dung' });
        const outcome = await dispatchFrom(req, b.user, b.id, person?.id, content);
        return { ok: true, outcome };
      });

      api.post('/local/api/media', async (req, reply) => {
        const q = MediaQuery.safeParse(req.query);
        if (!q.success) return reply.code(400).send({ error: 'Tham số không hợp lệ' });
        let person: ReturnType<Store['personByCode']> = undefined;
        if (q.data.user.startsWith('person:')) {
          person = store.personByCode(q.data.user.slice(7));
          if (!person) return reply.code(404).send({ error: 'Không có người này trong danh sách' });
        }
        const body = req.body;
        if (Buffer.isBuffer(body) && body.length === 0)
          return reply.code(400).send({ error: 'Chưa có ảnh. Xin chọn ảnh rồi gửi lại.' });
        // Only image/* bodies arrive as bytes; the bytes themselves must be an image too.
        const kind = Buffer.isBuffer(body) ? sniffImage(body) : null;
        if (!kind || !Buffer.isBuffer(body))
          return reply
            .code(415)
            .send({ error: 'Chỉ gửi được ảnh (JPEG, PNG, WebP, GIF, HEIC). Xin chọn lại.' });
        const fileName = `${randomUUID()}.${kind.ext}`;
        mkdirSync(deps.mediaDir, { recursive: true, mode: 0o700 });
        writeFileSync(join(deps.mediaDir, fileName), body, { mode: 0o600 });
        const outcome = await dispatchFrom(req, q.data.user, q.data.id, person?.id, {
          kind: 'media',
          media: {
            type: 'media',
            mediaType: 'photo',
            fileId: `local:${fileName}`,
            mimeType: kind.mimeType,
            size: body.length,
          },
        });
        return { ok: true, outcome };
      });

      api.get('/local/api/messages', async (req, reply) => {
        const q = z
          .object({ user: z.string().min(1).max(80), after: z.coerce.number().int().min(0).default(0) })
          .safeParse(req.query);
        if (!q.success) return reply.code(400).send({ error: 'Tham số không hợp lệ' });
        return store
          .outboxRows({ channel: 'local', chatId: q.data.user, afterId: q.data.after })
          .map((r) => ({ id: r.id, status: r.status, ref: r.ref, payload: r.payload }));
      });
    });
  });
}
