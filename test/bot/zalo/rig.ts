/**
 * The real app on a real SQLite file, listening on 127.0.0.1, with the Zalo channel pointed at
 * the fake Zalo servers and a fake Zalo posting signed events to /webhooks/zalo.
 */
import { createHarness, type Harness } from '../../helpers/harness.js';
import { FakeZaloApi } from '../../fakes/zaloApi.js';
import { FakeZaloClient } from '../../fakes/zaloClient.js';

export const OA_ID = '1032900368214542396';
export const OA_SECRET_KEY = 'oa-secret-key-for-tests';
export const CS = '/v3.0/oa/message/cs';
export const OAUTH = '/v4/oa/access_token';
export const TUESDAY = '2026-12-01T09:00:00+07:00';

export interface ZaloRig {
  h: Harness;
  fake: FakeZaloApi;
  zalo: FakeZaloClient;
  base: string;
  env: Record<string, string>;
  /** Lets the outbox deliver everything due, moving the test clock on by the per-chat spacing. */
  settle(): Promise<void>;
  /** Texts the fake Zalo received for this user, in order. */
  texts(userId: string): string[];
  health(): Promise<Record<string, unknown> & { zalo?: Record<string, unknown> }>;
  /** Stops the app and starts it again on the same database, with some variables changed. */
  restart(env: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fake Zalo posting signed events to the app listening at `base`. Zalo stamps events with its
 * own clock; here that is the app's test clock (replay window).
 */
export function webhookClient(base: string, fake: FakeZaloApi, clock: { now: number }): FakeZaloClient {
  return new FakeZaloClient(
    `${base}/webhooks/zalo`,
    { appId: fake.appId, oaId: OA_ID, oaSecretKey: OA_SECRET_KEY },
    () => clock.now,
  );
}

export async function createZaloRig(opts: { now?: string; fake?: FakeZaloApi } = {}): Promise<ZaloRig> {
  const fake = opts.fake ?? (await FakeZaloApi.start());
  // The rig's cadres also use the local chat, which Zalo keys alone would turn off.
  const env: Record<string, string> = { ...fake.serviceEnv(OA_SECRET_KEY), SCHEDULER: '0', LOCAL_CHAT: '1' };
  const boot = async (h: Harness) => {
    const base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
    await h.app.start();
    return { h, base, zalo: webhookClient(base, fake, h.clock) };
  };
  const rig: ZaloRig = {
    ...(await boot(await createHarness({ now: opts.now ?? TUESDAY, env }))),
    fake,
    env,
    async settle() {
      const h = rig.h;
      for (let i = 0; i < 2000; i++) {
        const channels = [...h.app.channels.keys()];
        const due = h.db.$client
          .prepare(
            `SELECT count(*) n FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
             AND channel IN (${channels.map(() => '?').join(', ')})`,
          )
          .get(h.clock.now, ...channels) as { n: number };
        if (due.n === 0) return;
        h.clock.now += 100;
        h.app.outbox.wake();
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error('outbox did not settle');
    },
    texts(userId) {
      return fake.messagesTo(userId).flatMap((m) => (m.text !== undefined ? [m.text] : []));
    },
    async health() {
      return (await (await fetch(`${rig.base}/healthz`)).json()) as Record<string, unknown>;
    },
    async restart(changes) {
      const { dir, clock } = rig.h;
      await rig.h.app.close();
      rig.h.db.$client.close();
      Object.assign(rig.env, changes);
      Object.assign(rig, await boot(await createHarness({ now: clock.now, env: rig.env, dir })));
      await tokenCheckDone(rig);
    },
    async close() {
      await rig.h.close();
      if (!opts.fake) await fake.close();
    },
  };
  await tokenCheckDone(rig);
  return rig;
}

/** The channel checks the token as it starts; waits for that first exchange to be over. */
async function tokenCheckDone(rig: ZaloRig): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const z = (await rig.health()).zalo;
    if (z?.tokens !== 'ok' || z.expiresAt !== undefined) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
