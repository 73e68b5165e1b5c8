/** The environment, parsed and validated once (DESIGN.md §5). Nothing else reads process.env. */
import { z } from 'zod';

const flag = (def: boolean) =>
  z
    .enum(['0', '1', 'true', 'false', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v === '1' || v === 'true'));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_PATH: z.string().default('./data/namtinhhinh.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_BOT_USERNAME: optionalString,
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'chỉ gồm A-Z a-z 0-9 _ - (tối đa 256 ký tự)')
      .optional(),
  ),
  ZALO_APP_ID: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  ZALO_API_BASE: z.url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: z.url().default('https://oauth.zaloapp.com'),
  ADMIN_TOKEN: optionalString,
  /**
   * Behind a reverse proxy (TLS in front): 1/true trusts X-Forwarded-For, or a list of the proxies'
   * addresses. Without it every client has the proxy's address, and one guesser locks everyone out.
   */
  TRUST_PROXY: optionalString.transform((v) =>
    v === undefined || v === '0' || v === 'false' ? false : v === '1' || v === 'true' ? true : v,
  ),
  /** Unset: on for a local try-out (no PUBLIC_URL), off for a public service. */
  DEMO: z.enum(['0', '1', 'true', 'false', '']).optional(),
  /** Unset: on for a local try-out (no PUBLIC_URL), off for a public service unless asked for. */
  LOCAL_CHAT: z.enum(['0', '1', 'true', 'false', '']).optional(),
  SCHEDULER: flag(true),
  SCHEDULE_FILE: optionalString,
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(48),
  /** Days after a case or session closes, or a message is sent, before citizens' personal data in it is erased. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, 'DEMO' | 'LOCAL_CHAT'> & {
  DEMO: boolean;
  LOCAL_CHAT: boolean;
};

/** A guessable token in front of a public service is no protection (DESIGN.md §5). */
export const ADMIN_TOKEN_MIN_LENGTH = 32;

const unsetOr = (v: string | undefined, def: boolean) =>
  v === undefined || v === '' ? def : v === '1' || v === 'true';

export class ConfigError extends Error {}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ — ${lines.join('; ')}`);
  }
  const raw = parsed.data;
  // A bot token or Zalo keys mean a real deployment even without PUBLIC_URL (Telegram by long polling):
  // no demo roster, and no open try-out chat listening on every interface.
  const deployed = Boolean(raw.PUBLIC_URL || raw.TELEGRAM_BOT_TOKEN || raw.ZALO_APP_ID);
  const c: Config = {
    ...raw,
    DEMO: unsetOr(raw.DEMO, !deployed),
    LOCAL_CHAT: unsetOr(raw.LOCAL_CHAT, !deployed),
  };
  if (c.PUBLIC_URL && c.LOCAL_CHAT && !c.ADMIN_TOKEN) {
    throw new ConfigError(
      'PUBLIC_URL và LOCAL_CHAT=1 đã đặt: cần ADMIN_TOKEN để bảo vệ trang chat thử (hoặc bỏ LOCAL_CHAT).',
    );
  }
  if (deployed && !c.PUBLIC_URL && c.LOCAL_CHAT && !c.ADMIN_TOKEN && !isLoopback(c.HOST)) {
    throw new ConfigError(
      `LOCAL_CHAT=1 bên cạnh kênh Telegram/Zalo thật: cần ADMIN_TOKEN, hoặc HOST=127.0.0.1 để trang chat thử chỉ mở trên máy này.`,
    );
  }
  if (c.PUBLIC_URL && c.ADMIN_TOKEN && [...c.ADMIN_TOKEN].length < ADMIN_TOKEN_MIN_LENGTH) {
    throw new ConfigError(
      `PUBLIC_URL đã đặt: ADMIN_TOKEN cần ít nhất ${ADMIN_TOKEN_MIN_LENGTH} ký tự (ví dụ tạo bằng: openssl rand -hex 32).`,
    );
  }
  if (c.PUBLIC_URL && c.TELEGRAM_BOT_TOKEN && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError(
      'PUBLIC_URL và TELEGRAM_BOT_TOKEN đã đặt: cần TELEGRAM_WEBHOOK_SECRET cho webhook.',
    );
  }
  return c;
}
