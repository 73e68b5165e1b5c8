/**
 * Plugs the Zalo OA channel (issue 5) into the app: the Channel the outbox sends through, the
 * re-routing of an unreachable chat, and the adapter src/http/webhooks/zalo.ts routes to.
 */
import type { ChannelSetup, ChannelSetupDeps } from '../parts.js';
import { rerouteAfterUnreachable } from './fallback.js';
import { ZaloInbound, ZALO_WEBHOOK_PATH } from './adapter.js';

/** Refresh when less than this is left of the 25 h access token: at about 20 h, as the brief advises. */
const REFRESH_AHEAD_MS = 5 * 3600_000;

export async function setupZalo(deps: ChannelSetupDeps): Promise<ChannelSetup> {
  const { config, log, store, clock } = deps;
  const keys = {
    ZALO_APP_ID: config.ZALO_APP_ID,
    ZALO_APP_SECRET: config.ZALO_APP_SECRET,
    ZALO_OA_SECRET_KEY: config.ZALO_OA_SECRET_KEY,
  };
  const missing = Object.entries(keys)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) {
    if (missing.length < 3) log.warn({ missing }, 'zalo: channel not started, some keys are missing');
    // The route still exists (DESIGN §5) and says why it cannot take events.
    return {
      endpoint: {
        refuse: { status: 503, error: `Kênh Zalo chưa được cấu hình (thiếu ${missing.join(', ')})` },
      },
    };
  }
  const appId = config.ZALO_APP_ID!;
  const appSecret = config.ZALO_APP_SECRET!;
  const oaSecretKey = config.ZALO_OA_SECRET_KEY!;

  // The HTTP client (undici) is loaded only when Zalo is configured: it costs start-up time otherwise.
  const [{ SqliteZaloTokenStore }, { ZaloTokenManager }, { ZaloClient }, { ZaloChannel }] = await Promise.all(
    [
      import('../../store/zaloTokens.js'),
      import('./tokens.js'),
      import('./client.js'),
      import('./channel.js'),
    ],
  );
  const tokenStore = new SqliteZaloTokenStore(store.db);
  if (config.ZALO_REFRESH_TOKEN) {
    const adopted = await tokenStore.adoptRefreshToken(config.ZALO_REFRESH_TOKEN);
    if (adopted === 'adopted') log.info('zalo: refresh token taken from ZALO_REFRESH_TOKEN');
  }
  const tokens = new ZaloTokenManager({
    store: tokenStore,
    appId,
    appSecret,
    oauthBase: config.ZALO_OAUTH_BASE,
    refreshAheadMs: REFRESH_AHEAD_MS,
    now: clock,
  });
  const client = new ZaloClient({ apiBase: config.ZALO_API_BASE, tokens });
  const channel = new ZaloChannel({ client, tokens, store, log, clock });

  const onUnreachable: ChannelSetup['onUnreachable'] = async (row, reason, now, repos, uow) => {
    if (row.channel !== 'zalo') return;
    try {
      // A savepoint: if re-routing fails, the row is still recorded as unreachable.
      await uow.savepoint(() => rerouteAfterUnreachable({ repos, log }, row, reason, now));
    } catch (err) {
      log.error({ err, outboxId: row.id }, 'zalo: could not move messages to another channel');
    }
  };
  if (config.PUBLIC_URL) {
    log.info(
      { url: `${config.PUBLIC_URL.replace(/\/+$/, '')}${ZALO_WEBHOOK_PATH}` },
      'zalo: set this webhook URL in the Zalo app dashboard',
    );
  }
  return {
    endpoint: { adapter: new ZaloInbound({ appId, oaSecretKey, appSecret, log, clock }) },
    channel,
    onUnreachable,
    health: async () => ({ zalo: await channel.health() }),
  };
}
