/**
 * HTTP side of the local chat (src/bot/local): the page, the roster to pick from, send, upload and poll.
 *
 * The token check belongs to the API routes' own plugin scope, never to URL text: the router decodes
 * `/%6cocal/…` into `/local/…`, a prefix test on the raw URL does not.
 */
import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { readFileSync } from 'node:fs';
import type { Dispatcher } from '../bot/dispatcher.js';
import type { AuditEntry, StoreEngine } from '../store/ports.js';
import { localSignIn } from './localAuth.js';
import { localApiRoutes } from './localApi.js';

export { SESSION_COOKIE, SIGN_IN_MAX_FAILURES } from './localAuth.js';
export { MEDIA_MAX_BYTES } from './localApi.js';

const asset = (name: string) => readFileSync(new URL(`../../src/bot/local/${name}`, import.meta.url), 'utf8');
const PAGE = asset('page.html');
const SCRIPT = asset('page.js');
const STYLE = asset('page.css');

export interface LocalChatDeps {
  engine: Pick<StoreEngine, 'run'>;
  dispatcher: Dispatcher;
  adminToken?: string;
  /** https: the session cookie is marked Secure. */
  publicUrl?: string;
  /** Where photos sent from the page are kept (next to the database). */
  mediaDir: string;
  clock: () => number;
}

/**
 * Security headers where a browser comes: the webhooks answer platforms, for which they protect
 * nothing and cost a hook per update. No inline script or style is allowed, so text from the
 * roster or a chat can never run as code in the page.
 */
const HELMET = {
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
};

function pageRoutes(scope: FastifyInstance): void {
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
}

export function registerLocalChat(app: FastifyInstance, deps: LocalChatDeps): void {
  const { engine } = deps;
  const audit = (action: string, entry: AuditEntry) =>
    engine.run((repos) => repos.audit.record(action, entry, deps.clock()));

  void app.register(async (scope) => {
    await scope.register(fastifyHelmet, HELMET);
    await scope.register(fastifyCookie);
    await scope.register(fastifyRateLimit, { global: false });
    pageRoutes(scope);
    const guard = localSignIn(scope, { adminToken: deps.adminToken, publicUrl: deps.publicUrl, audit });
    await scope.register(async (api) => {
      api.addHook('onRequest', guard);
      localApiRoutes(api, { engine, dispatcher: deps.dispatcher, mediaDir: deps.mediaDir, audit });
    });
  });
}
