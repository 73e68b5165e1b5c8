/**
 * A proxy in front of a fake platform API that misbehaves the way networks and platforms do: 429
 * with retry_after, 5xx (with JSON or an HTML error page), connections reset before or after the
 * platform acted, and answers that never come. Faults are drawn from a seeded PRNG while
 * `faulty` is on; `always` maps a chat to a permanent answer (blocked, chat not found…).
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

export class FaultyProxy {
  faulty = false;
  /** chat id → a permanent Telegram error for every send to it. */
  readonly always = new Map<string, { status: number; description: string }>();
  readonly counts = new Map<Fault | 'permanent', number>();
  private hangsLeft: number;
  private readonly held = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    private readonly target: string,
    private readonly rand: () => number,
    private readonly weights: FaultWeights,
    maxHangs: number,
    private readonly hangMs: number,
  ) {
    this.hangsLeft = maxHangs;
  }

  static async start(
    target: string,
    rand: () => number,
    weights: FaultWeights,
    opts: { maxHangs: number; hangMs: number },
  ): Promise<FaultyProxy> {
    const server = http.createServer();
    const proxy = new FaultyProxy(server, target, rand, weights, opts.maxHangs, opts.hangMs);
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
    const entries = Object.entries(this.weights) as Array<[Fault, number]>;
    const total = entries.reduce((n, [, w]) => n + w, 0);
    let x = this.rand() * total;
    for (const [f, w] of entries) {
      if ((x -= w) < 0) return f === 'hang' && this.hangsLeft <= 0 ? 'pass' : f;
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
    const method = /\/([A-Za-z]+)\/?$/.exec(req.url ?? '')?.[1]?.toLowerCase() ?? '';
    const platformCall = method.startsWith('send') || method === 'editmessagetext';
    let chatId: string | undefined;
    try {
      chatId = String((JSON.parse(body.toString('utf8')) as { chat_id?: unknown }).chat_id ?? '');
    } catch {
      chatId = undefined;
    }
    const permanent = platformCall && chatId !== undefined ? this.always.get(chatId) : undefined;
    if (permanent) {
      this.count('permanent');
      return json(res, permanent.status, {
        ok: false,
        error_code: permanent.status,
        description: permanent.description,
      });
    }
    const fault = this.faulty && platformCall ? this.draw() : 'pass';
    this.count(fault);
    switch (fault) {
      case '429': {
        const retry = 1 + Math.floor(this.rand() * 2);
        return json(res, 429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retry}`,
          parameters: { retry_after: retry },
        });
      }
      case '500':
        return json(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
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
        const upstream = await forward(this.target, req, body);
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

async function forward(
  target: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const res = await fetch(`${target}${req.url ?? '/'}`, {
    method: req.method,
    headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    body: Buffer.from(await res.arrayBuffer()),
  };
}
