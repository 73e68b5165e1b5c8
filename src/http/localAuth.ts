/**
 * Who may use the local chat's API: with ADMIN_TOKEN set, a browser signs in once (the token in a
 * body) and gets a session cookie; scripts send the token as a bearer. Wrong tokens are counted per
 * address, and an address that used up its attempts is refused for a while.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AuditEntry } from '../store/ports.js';

export const SESSION_COOKIE = 'ntt_local';
const SESSION_TTL_MS = 12 * 3600_000;
/** Wrong tokens allowed per address and window before every attempt from it is refused. */
export const SIGN_IN_MAX_FAILURES = 10;
const SIGN_IN_WINDOW_MS = 15 * 60_000;

const SignInBody = z.object({ token: z.string().max(1024) });

type Via = 'open' | 'bearer' | 'cookie';

declare module 'fastify' {
  interface FastifyRequest {
    localChatVia?: Via;
  }
}

export interface SignInDeps {
  adminToken?: string;
  /** https: the session cookie is marked Secure. */
  publicUrl?: string;
  audit(action: string, entry: AuditEntry): Promise<void>;
}

/** Equal-length digests, so neither the content nor the length of the token leaks through timing. */
function sameSecret(given: string, want: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(want).digest();
  return timingSafeEqual(a, b);
}

const tooMany = (reply: FastifyReply) =>
  reply.code(429).send({
    error: 'Nhập sai mã quá nhiều lần. Xin đồng chí đợi 15 phút rồi thử lại.',
  });

/**
 * Registers POST /local/api/session on `scope` (which has the cookie and rate-limit plugins) and
 * returns the check that guards the API routes.
 */
export function localSignIn(scope: FastifyInstance, deps: SignInDeps) {
  const { adminToken, audit } = deps;
  const failures = scope.createRateLimit({ max: SIGN_IN_MAX_FAILURES, timeWindow: SIGN_IN_WINDOW_MS });
  /** Session id → expiry (ms). In memory: after a restart the page simply asks for the token again. */
  const sessions = new Map<string, number>();

  const blocked = async (req: FastifyRequest) => {
    const r = await failures(req, { increment: false });
    return !r.isAllowed && r.remaining === 0;
  };
  /** Counts one wrong token; true once the address has used up its attempts. */
  const failed = async (req: FastifyRequest, via: 'form' | 'bearer') => {
    const r = await failures(req);
    await audit('local_chat.sign_in_failed', { subject: `ip:${req.ip}`, data: { via } });
    return !r.isAllowed && r.isExceeded;
  };

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
    await audit('local_chat.sign_in', { subject: `ip:${req.ip}`, data: { via: 'form' } });
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

  return async function guard(req: FastifyRequest, reply: FastifyReply) {
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
  };
}
