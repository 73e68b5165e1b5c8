/**
 * A proxy in front of a fake platform API that misbehaves the way networks and platforms do: 429
 * with retry_after, 5xx (with JSON or an HTML error page), connections reset before or after the
 * platform acted, and answers that never come. Faults are drawn from a seeded PRNG while
 * `faulty` is on; `always` maps a chat to a permanent answer (blocked, chat not found…).
 * The platform's own words (which calls act on a chat, what "too many requests" looks like) come
 * from a dialect: Telegram's Bot API by default, or Zalo's OA API (`ZALO_DIALECT`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | '429' | '500' | '502-html' | 'reset-before' | 'reset-after' | 'hang';

export interface FaultWeights {
  pass: number;
  '429': number;
  '500': number;
  '502-html': number;
  'reset-before': number;
  'reset-after': number;
  hang: number;
}

/**
 * A permanent answer for every call to one chat: a Telegram error (`description`, wrapped as the
 * Bot API does), or a body sent exactly as given (`json`, e.g. Zalo's HTTP 200 + `{error: -213}`).
 */
export type PermanentAnswer = { status: number; description: string } | { status: number; json: object };

/** An HTTP answer the proxy makes up in the platform's name. */
export interface MadeUpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** How one platform's API looks on the wire, as far as the proxy needs to know. */
export interface PlatformDialect {
  /** Whether the call acts on a chat (a send): only those get faults and permanent answers. */
  isPlatformCall(url: string): boolean;
  /** The chat a call is for, from its body (undefined when the body is not JSON). */
  chatOf(body: Buffer): string | undefined;
  /** Over the rate limit. May draw from `rand` (Telegram's retry_after). */
  rateLimited(rand: () => number): MadeUpAnswer;
  internalError(): MadeUpAnswer;
  /** Request headers the platform needs besides content-type (Zalo's `access_token`). */
  forwardHeaders: readonly string[];
}

const jsonAnswer = (status: number, body: object): MadeUpAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

export const TELEGRAM_DIALECT: PlatformDialect = {
  isPlatformCall(url) {
    const method = /\/([A-Za-z]+)\/?$/.exec(url)?.[1]?.toLowerCase() ?? '';
    return method.startsWith('send') || method === 'editmessagetext';
  },
  chatOf(body) {
    try {
      return String((JSON.parse(body.toString('utf8')) as { chat_id?: unknown }).chat_id ?? '');
    } catch {
      return undefined;
    }
  },
  rateLimited(rand) {
    const retry = 1 + Math.floor(rand() * 2);
    return jsonAnswer(429, {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retry}`,
      parameters: { retry_after: retry },
    });
  },
  internalError: () => jsonAnswer(500, { ok: false, error_code: 500, description: 'Internal Server Error' }),
  forwardHeaders: [],
};

/**
 * Zalo OA Open API: sends and uploads act on a user; Zalo says "too many calls" with HTTP 200 and
 * error -32 (its error-code page); a gateway failure is a bare HTTP 500.
 */
export const ZALO_DIALECT: PlatformDialect = {
  isPlatformCall: (url) => /\/oa\/(message|upload)\//.test(url),
  chatOf(body) {
    try {
      const json = JSON.parse(body.toString('utf8')) as { recipient?: { user_id?: unknown } };
      return String(json.recipient?.user_id ?? '');
    } catch {
      return undefined;
    }
  },
  rateLimited: () => jsonAnswer(200, { error: -32, message: 'Your application reached limit call api' }),
  internalError: () => ({ status: 500, contentType: 'text/plain', body: 'Internal Server Error' }),
  forwardHeaders: ['access_token'],
};

export interface FaultyProxyOptions {
  maxHangs: number;
  hangMs: number;
  /** Default: Telegram's Bot API. */
  dialect?: PlatformDialect;
  /** At most this many of a fault over the whole run (like maxHangs); further draws pass. */
  maxCounts?: Partial<Record<Exclude<Fault, 'pass' | 'hang'>, number>>;
  /**
   * Faults that come together, as on an overloaded platform: after the key fault, the next call
   * gets the value fault (within its maxCounts) instead of a draw.
   */
  followUps?: Partial<Record<Fault, Exclude<Fault, 'pass' | 'hang'>>>;
}

export class FaultyProxy {
  faulty = false;
  /** chat id → a permanent error for every send to it. */
  readonly always = new Map<string, PermanentAnswer>();
  readonly counts = new Map<Fault | 'permanent', number>();
  private hangsLeft: number;
  private readonly held = new Set<http.ServerResponse>();
  private readonly dialect: PlatformDialect;
  private readonly maxCounts: Partial<Record<Fault, number>>;
  private readonly followUps: Partial<Record<Fault, Fault>>;
  private armed: Fault | null = null;

  private constructor(
    private readonly server: http.Server,
    private readonly target: string,
    private readonly rand: () => number,
    private readonly weights: FaultWeights,
    maxHangs: number,
    private readonly hangMs: number,
    opts: Pick<FaultyProxyOptions, 'dialect' | 'maxCounts' | 'followUps'> = {},
  ) {
    this.hangsLeft = maxHangs;
    this.dialect = opts.dialect ?? TELEGRAM_DIALECT;
    this.maxCounts = opts.maxCounts ?? {};
    this.followUps = opts.followUps ?? {};
  }

  static async start(
    target: string,
    rand: () => number,
    weights: FaultWeights,
    opts: FaultyProxyOptions,
  ): Promise<FaultyProxy> {
    const server = http.createServer();
    const proxy = new FaultyProxy(server, target, rand, weights, opts.maxHangs, opts.hangMs, opts);
    server.on('request', (req, res) => void proxy.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private draw(): Fault {
    const armed = this.armed;
    this.armed = null;
    const fault = armed !== null && !this.capped(armed) ? armed : this.drawOne();
    this.armed = this.followUps[fault] ?? null;
    return fault;
  }

  private capped(f: Fault): boolean {
    const max = this.maxCounts[f];
    return max !== undefined && (this.counts.get(f) ?? 0) >= max;
  }

  private drawOne(): Fault {
    const entries = Object.entries(this.weights) as Array<[Fault, number]>;
    const total = entries.reduce((n, [, w]) => n + w, 0);
    let x = this.rand() * total;
    for (const [f, w] of entries) {
      if ((x -= w) < 0) {
        if (f === 'hang') return this.hangsLeft <= 0 ? 'pass' : f;
        return this.capped(f) ? 'pass' : f;
      }
    }
    return 'pass';
  }

  private count(f: Fault | 'permanent'): void {
    this.counts.set(f, (this.counts.get(f) ?? 0) + 1);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    const platformCall = this.dialect.isPlatformCall(req.url ?? '');
    const chatId = this.dialect.chatOf(body);
    const permanent = platformCall && chatId !== undefined ? this.always.get(chatId) : undefined;
    if (permanent) {
      this.count('permanent');
      if ('json' in permanent) return json(res, permanent.status, permanent.json);
      return json(res, permanent.status, {
        ok: false,
        error_code: permanent.status,
        description: permanent.description,
      });
    }
    const fault = this.faulty && platformCall ? this.draw() : 'pass';
    this.count(fault);
    switch (fault) {
      case '429':
        return madeUp(res, this.dialect.rateLimited(this.rand));
      case '500':
        return madeUp(res, this.dialect.internalError());
      case '502-html':
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      case 'reset-before':
        return void req.socket.destroy();
      case 'hang':
        this.hangsLeft--;
        this.held.add(res);
        setTimeout(() => {
          this.held.delete(res);
          req.socket.destroy();
        }, this.hangMs).unref();
        return;
      case 'pass':
      case 'reset-after': {
        const upstream = await forward(this.target, req, body, this.dialect.forwardHeaders);
        if (fault === 'reset-after') return void req.socket.destroy();
        res.writeHead(upstream.status, { 'content-type': upstream.contentType });
        res.end(upstream.body);
      }
    }
  }
}

function json(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function madeUp(res: http.ServerResponse, a: MadeUpAnswer): void {
  res.writeHead(a.status, { 'content-type': a.contentType });
  res.end(a.body);
}

async function forward(
  target: string,
  req: http.IncomingMessage,
  body: Buffer,
  extraHeaders: readonly string[] = [],
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const headers: Record<string, string> = {
    'content-type': req.headers['content-type'] ?? 'application/json',
  };
  for (const name of extraHeaders) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const res = await fetch(`${target}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    body: Buffer.from(await res.arrayBuffer()),
  };
}
