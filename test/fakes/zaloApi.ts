import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake of Zalo's OAuth server and OA Open API on 127.0.0.1, speaking the real wire format:
 * form-encoded refresh with a `secret_key` header and single-use rotating refresh tokens,
 * `access_token` header on API calls, errors as HTTP 200 + {error, message}.
 * oauthBase and apiBase carry different path prefixes so a client that drops the prefix fails.
 */

export interface FakeZaloApiOptions {
  appId?: string;
  appSecret?: string;
  /** Lifetime the fake announces in `expires_in` (as a string, like Zalo). Default 90000 s. */
  accessTokenTtlS?: number;
}

export interface FakeSentMessage {
  messageId: string;
  userId: string;
  text?: string;
  attachment?: Record<string, unknown>;
  accessToken: string;
}

export interface FakeUpload {
  kind: 'image' | 'file' | 'gif';
  /** attachment_id for images, token for files */
  id: string;
  fileName: string;
  size: number;
  mime: string;
}

export interface FakeRequest {
  seq: number;
  /** Without the /oauth or /api prefix, e.g. /v3.0/oa/message/cs */
  path: string;
  accessToken?: string;
  userId?: string;
  httpStatus: number;
  /** Zalo `error` code answered (0 on success) */
  error?: number;
}

export type FakeFailure = number | { httpStatus: number; body?: string };

type PendingFailure = { failure: FakeFailure; times: number; userId?: string; message?: string };
type PendingDelay = { ms: number; times: number };

/** Messages as Zalo words them (ma-loi page), so logs in tests read like production. */
const ZALO_MESSAGES: Record<number, string> = {
  [-32]: 'Your application reached limit call api',
  [-100]: 'attachment_id was expired',
  [-201]: 'Parameters are invalid',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-220]: 'access_token is expired or removed',
  [-227]: 'User is banned or has been inactive for more than 45 days',
  [-230]: 'User has not interacted with the OA in the past 7 days',
  [-232]: 'User has not interacted or the last interaction has expired',
  [-244]: 'User has restricted this message type from your OA',
};

const OAUTH_PREFIX = '/oauth';
const API_PREFIX = '/api';
const TEXT_MAX = 2000;

export class FakeZaloApi {
  readonly appId: string;
  readonly appSecret: string;
  private readonly ttlS: number;
  private readonly server: http.Server;
  private port = 0;

  /** Every request, in arrival order. */
  readonly requests: FakeRequest[] = [];
  readonly uploads: FakeUpload[] = [];
  /** Calls to the OAuth token endpoint, successful or not. */
  refreshCalls = 0;

  private readonly refreshTokens = new Map<string, 'valid' | 'used'>();
  private readonly accessTokens = new Set<string>();
  private readonly messages = new Map<string, FakeSentMessage[]>();
  private readonly failures = new Map<string, PendingFailure[]>();
  private readonly delays = new Map<string, PendingDelay[]>();
  private readonly unreachable = new Map<string, number>();
  private readonly lastInteraction = new Map<string, number>();
  private seq = 0;

  private constructor(opts: FakeZaloApiOptions) {
    this.appId = opts.appId ?? '3608465248940903967';
    this.appSecret = opts.appSecret ?? 'fake-app-secret';
    this.ttlS = opts.accessTokenTtlS ?? 90_000;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake zalo crashed: ${String(err)}`);
      });
    });
  }

  static async start(opts: FakeZaloApiOptions = {}): Promise<FakeZaloApi> {
    const api = new FakeZaloApi(opts);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get oauthBase(): string {
    return `${this.origin}${OAUTH_PREFIX}`;
  }
  get apiBase(): string {
    return `${this.origin}${API_PREFIX}`;
  }

  /** A fresh refresh token, as an admin would get from the consent flow or the API Explorer. */
  issueRefreshToken(): string {
    const token = `rt_${randomBytes(12).toString('hex')}`;
    this.refreshTokens.set(token, 'valid');
    return token;
  }

  /**
   * The ZALO_* variables of an app run against this fake: its app, a fresh refresh token, the OA
   * key given, and the OA API at `apiBase` (this fake's own unless a proxy stands in front of it).
   */
  serviceEnv(oaSecretKey: string, apiBase = this.apiBase): Record<string, string> {
    return {
      ZALO_APP_ID: this.appId,
      ZALO_APP_SECRET: this.appSecret,
      ZALO_OA_SECRET_KEY: oaSecretKey,
      ZALO_REFRESH_TOKEN: this.issueRefreshToken(),
      ZALO_API_BASE: apiBase,
      ZALO_OAUTH_BASE: this.oauthBase,
    };
  }

  /** A valid pair, shaped like ZaloTokens, to seed a token store without a refresh call. */
  issueTokens(expiresInMs = this.ttlS * 1000): {
    accessToken: string;
    refreshToken: string;
    expiresAt: number;
  } {
    return {
      accessToken: this.newAccessToken(),
      refreshToken: this.issueRefreshToken(),
      expiresAt: Date.now() + expiresInMs,
    };
  }

  /** Every access token issued so far answers -216 from now on. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  isRefreshTokenValid(token: string): boolean {
    return this.refreshTokens.get(token) === 'valid';
  }

  messagesTo(userId: string): FakeSentMessage[] {
    return [...(this.messages.get(userId) ?? [])];
  }

  /** How many requests reached `path` (no prefix), optionally for one user only. */
  callsTo(path: string, userId?: string): number {
    return this.requests.filter((r) => r.path === path && (userId === undefined || r.userId === userId))
      .length;
  }

  /**
   * The next `times` matching requests to `path` fail with a Zalo error code (HTTP 200) or a
   * bare HTTP status. `userId` restricts it to sends to that user.
   */
  failNext(
    path: string,
    failure: FakeFailure,
    opts: { times?: number; userId?: string; message?: string } = {},
  ): void {
    const key = stripPrefix(path);
    const list = this.failures.get(key) ?? [];
    list.push({
      failure,
      times: opts.times ?? 1,
      ...(opts.userId !== undefined && { userId: opts.userId }),
      ...(opts.message !== undefined && { message: opts.message }),
    });
    this.failures.set(key, list);
  }

  /** The next `times` requests to `path` are answered only after `ms`. */
  delayNext(path: string, ms: number, opts: { times?: number } = {}): void {
    const key = stripPrefix(path);
    const list = this.delays.get(key) ?? [];
    list.push({ ms, times: opts.times ?? 1 });
    this.delays.set(key, list);
  }

  /** Every send to this user fails with `code` (-230 by default) until cleared with `null`. */
  setUnreachable(userId: string, code: number | null = -230): void {
    if (code === null) this.unreachable.delete(userId);
    else this.unreachable.set(userId, code);
  }

  setLastInteraction(userId: string, atMs: number): void {
    this.lastInteraction.set(userId, atMs);
  }

  private newAccessToken(): string {
    const token = `at_${randomBytes(12).toString('hex')}`;
    this.accessTokens.add(token);
    return token;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readBody(req);
    const path = stripPrefix(url.pathname);
    const record: FakeRequest = { seq: ++this.seq, path, httpStatus: 200 };
    const accessToken = header(req, 'access_token');
    if (accessToken !== undefined) record.accessToken = accessToken;
    this.requests.push(record);

    const contentType = header(req, 'content-type') ?? '';
    let json: Record<string, unknown> | undefined;
    if (contentType.includes('application/json')) {
      try {
        json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
    }
    const userId = userIdOf(json);
    if (userId !== undefined) record.userId = userId;

    await this.applyDelay(path);

    const send = (status: number, body: unknown) => {
      record.httpStatus = status;
      if (typeof body === 'object' && body !== null && 'error' in body) record.error = Number(body.error);
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };

    if (req.method !== 'POST') return send(405, 'method not allowed');

    const injected = this.takeFailure(path, userId);
    if (injected) {
      const { failure, message } = injected;
      if (typeof failure === 'number') return send(200, zaloError(failure, message));
      return send(failure.httpStatus, failure.body ?? `<html><body>${failure.httpStatus}</body></html>`);
    }

    if (url.pathname.startsWith(OAUTH_PREFIX)) {
      if (path !== '/v4/oa/access_token') return send(404, 'not found');
      return send(200, this.oauth(req, raw));
    }
    if (!url.pathname.startsWith(API_PREFIX)) return send(404, 'not found');

    if (!accessToken || !this.accessTokens.has(accessToken)) return send(200, zaloError(-216));

    switch (path) {
      case '/v3.0/oa/message/cs':
        return send(200, this.sendMessage(json, accessToken));
      case '/v3.0/oa/quota/message':
        return send(200, this.quota(json));
      case '/v2.0/oa/upload/file':
      case '/v2.0/oa/upload/image':
      case '/v2.0/oa/upload/gif':
        return send(200, await this.upload(path, contentType, raw));
      default:
        return send(404, 'not found');
    }
  }

  private oauth(req: http.IncomingMessage, raw: Buffer): Record<string, unknown> {
    this.refreshCalls++;
    const form = new URLSearchParams(raw.toString('utf8'));
    if (header(req, 'secret_key') !== this.appSecret || form.get('app_id') !== this.appId) {
      return {
        error: -14002,
        error_name: 'Invalid appId',
        error_reason: 'app_id or secret_key is invalid',
        error_description: 'Application is invalid',
      };
    }
    if (form.get('grant_type') !== 'refresh_token') {
      return { error: -14001, error_name: 'Invalid grant_type', error_description: 'Unsupported grant_type' };
    }
    const token = form.get('refresh_token') ?? '';
    if (this.refreshTokens.get(token) !== 'valid') {
      return {
        error: -14014,
        error_name: 'Invalid refresh token',
        error_reason: '',
        error_description: 'Refresh token is invalid or expired',
      };
    }
    // Single use: the presented token dies as the new pair is issued.
    this.refreshTokens.set(token, 'used');
    return {
      access_token: this.newAccessToken(),
      refresh_token: this.issueRefreshToken(),
      expires_in: String(this.ttlS),
    };
  }

  private sendMessage(
    json: Record<string, unknown> | undefined,
    accessToken: string,
  ): Record<string, unknown> {
    const userId = userIdOf(json);
    const message = json?.message as Record<string, unknown> | undefined;
    if (!userId) return zaloError(-201, 'user_id is invalid!');
    if (typeof message !== 'object' || message === null) return zaloError(-201, 'message is invalid!');
    const blocked = this.unreachable.get(userId);
    if (blocked !== undefined) return zaloError(blocked);

    const text = message.text;
    const attachment = message.attachment as Record<string, unknown> | undefined;
    if (text === undefined && attachment === undefined) return zaloError(-201, 'message is invalid!');
    if (text !== undefined && (typeof text !== 'string' || text.length === 0 || text.length > TEXT_MAX)) {
      return zaloError(-201, 'text is invalid!');
    }
    if (attachment !== undefined) {
      const problem = this.checkAttachment(attachment);
      if (problem) return problem;
    }

    const sent: FakeSentMessage = { messageId: randomBytes(10).toString('hex'), userId, accessToken };
    if (typeof text === 'string') sent.text = text;
    if (attachment !== undefined) sent.attachment = attachment;
    const list = this.messages.get(userId) ?? [];
    list.push(sent);
    this.messages.set(userId, list);
    return {
      error: 0,
      message: 'Success',
      data: { message_id: sent.messageId, user_id: userId, sent_time: String(Date.now()) },
    };
  }

  private checkAttachment(attachment: Record<string, unknown>): Record<string, unknown> | null {
    const payload = attachment.payload as Record<string, unknown> | undefined;
    if (attachment.type === 'file') {
      const token = payload?.token;
      if (typeof token !== 'string' || !this.uploads.some((u) => u.kind === 'file' && u.id === token)) {
        return zaloError(-201, 'token is invalid!');
      }
      return null;
    }
    if (attachment.type === 'template') {
      const elements = payload?.elements;
      if (!Array.isArray(elements) || elements.length === 0) return zaloError(-201, 'elements is invalid!');
      if (payload?.template_type === 'media') {
        const el = elements[0] as Record<string, unknown>;
        const id = el.attachment_id;
        if (id !== undefined && !this.uploads.some((u) => u.kind !== 'file' && u.id === id)) {
          return zaloError(-100);
        }
        if (id === undefined && typeof el.url !== 'string') return zaloError(-201, 'url is invalid!');
        return null;
      }
      if (payload?.template_type === 'request_user_info') return null;
    }
    return zaloError(-201, 'attachment is invalid!');
  }

  private quota(json: Record<string, unknown> | undefined): Record<string, unknown> {
    const userId = userIdOf(json);
    if (!userId) return zaloError(-201, 'user_id is invalid!');
    const last = this.lastInteraction.get(userId) ?? Date.now() - 60 * 60_000;
    return {
      error: 0,
      message: 'Success',
      data: {
        last_interaction: String(last),
        cs_reply: { remain: 8, total: 8 },
        promotion: { daily_remain: 0, daily_total: 1, monthly_remain: 4, monthly_total: 6 },
      },
    };
  }

  private async upload(path: string, contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
    if (!contentType.startsWith('multipart/form-data')) return zaloError(-201, 'file is invalid!');
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const file = form.get('file');
    if (file === null || typeof file === 'string') return zaloError(-201, 'file is invalid!');
    const kind = path.endsWith('/image') ? 'image' : path.endsWith('/gif') ? 'gif' : 'file';
    const upload: FakeUpload = {
      kind,
      id: randomBytes(16).toString('base64url'),
      fileName: file.name,
      size: file.size,
      mime: file.type,
    };
    this.uploads.push(upload);
    return {
      error: 0,
      message: 'Success',
      data: kind === 'file' ? { token: upload.id } : { attachment_id: upload.id },
    };
  }

  private takeFailure(path: string, userId: string | undefined): PendingFailure | null {
    const list = this.failures.get(path);
    const index = list?.findIndex((f) => f.userId === undefined || f.userId === userId) ?? -1;
    if (!list || index < 0) return null;
    const pending = list[index] as PendingFailure;
    pending.times--;
    if (pending.times <= 0) list.splice(index, 1);
    return pending;
  }

  private async applyDelay(path: string): Promise<void> {
    const list = this.delays.get(path);
    const pending = list?.[0];
    if (!list || !pending) return;
    pending.times--;
    if (pending.times <= 0) list.shift();
    await new Promise((resolve) => setTimeout(resolve, pending.ms));
  }
}

function zaloError(code: number, message?: string): Record<string, unknown> {
  return { error: code, message: message ?? ZALO_MESSAGES[code] ?? 'Unknown error' };
}

function stripPrefix(path: string): string {
  for (const prefix of [OAUTH_PREFIX, API_PREFIX]) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return path.slice(prefix.length) || '/';
  }
  return path;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function userIdOf(json: Record<string, unknown> | undefined): string | undefined {
  const recipient = json?.recipient as Record<string, unknown> | undefined;
  const id = recipient?.user_id ?? json?.user_id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
