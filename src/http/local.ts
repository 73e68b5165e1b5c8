/** HTTP side of the local chat (src/bot/local): the page, the roster to pick from, send and poll. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Dispatcher } from '../bot/dispatcher.js';
import type { InboundContent } from '../bot/channel.js';
import type { Store } from '../store/store.js';

const PAGE = readFileSync(new URL('../../src/bot/local/page.html', import.meta.url), 'utf8');

const SendBody = z.object({
  user: z
    .string()
    .min(1)
    .max(80)
    .regex(/^(person:[A-Za-z0-9_-]+|guest:[A-Za-z0-9_-]+)$/),
  id: z.string().max(80).optional(),
  text: z.string().max(20_000).optional(),
  button: z.string().max(64).optional(),
  contact: z.boolean().optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
});

function tokenOk(req: FastifyRequest, adminToken: string | undefined): boolean {
  if (!adminToken) return true;
  const header = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
  const query = (req.query as Record<string, string | undefined>).token ?? '';
  const given = Buffer.from(header || query);
  const want = Buffer.from(adminToken);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function registerLocalChat(
  app: FastifyInstance,
  deps: { store: Store; dispatcher: Dispatcher; adminToken?: string },
): void {
  const { store, dispatcher } = deps;
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/local/')) return;
    if (!tokenOk(req, deps.adminToken)) return reply.code(401).send({ error: 'Cần ADMIN_TOKEN' });
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));

  app.get('/local/api/people', async () =>
    store
      .allPeople()
      .filter((p) => p.active)
      .map((p) => ({
        code: p.code,
        name: p.fullName,
        roles: [...new Set(store.assignments(p.id).map((a) => a.role))],
      })),
  );

  app.post('/local/api/send', async (req, reply) => {
    const parsed = SendBody.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'Dữ liệu gửi không hợp lệ' });
    const b = parsed.data;
    let content: InboundContent;
    let phone: string | null = null;
    if (b.user.startsWith('person:')) {
      const person = store.personByCode(b.user.slice(7));
      if (!person) return reply.code(404).send({ error: 'Không có người này trong danh sách' });
      phone = person.phone;
    }
    if (b.button !== undefined) content = { kind: 'button', data: b.button };
    else if (b.contact) {
      if (!phone) return reply.code(400).send({ error: 'Người này không có số điện thoại trong danh sách' });
      content = { kind: 'contact', phone, own: true };
    } else if (b.location) content = { kind: 'location', ...b.location };
    else if (b.text !== undefined) content = { kind: 'text', text: b.text };
    else return reply.code(400).send({ error: 'Thiếu nội dung' });
    const outcome = await dispatcher.dispatch({
      channel: 'local',
      updateId: b.id ?? randomUUID(),
      senderId: b.user,
      chatId: b.user,
      chatType: 'private',
      content,
    });
    return { ok: true, outcome };
  });

  app.get('/local/api/messages', async (req, reply) => {
    const q = z
      .object({ user: z.string().min(1).max(80), after: z.coerce.number().int().min(0).default(0) })
      .safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'Tham số không hợp lệ' });
    return store
      .outboxRows({ channel: 'local', chatId: q.data.user, afterId: q.data.after })
      .map((r) => ({ id: r.id, status: r.status, ref: r.ref, payload: r.payload }));
  });
}
