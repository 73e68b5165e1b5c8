/**
 * DESIGN.md §5: the try-out chat is on by default only without PUBLIC_URL; a public service shows it
 * only when asked for, and then behind an ADMIN_TOKEN of at least 32 characters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PUBLIC_URL = 'https://namtinhhinh.example.vn';
const LONG = 'k7Qm2vX9pL4sT8wZ1nB6cR3yF5hJ0dGa';

describe('LOCAL_CHAT and ADMIN_TOKEN', () => {
  it('a fresh clone starts with the local chat open, no token needed', () => {
    expect(loadConfig({}).LOCAL_CHAT).toBe(true);
    expect(loadConfig({ ADMIN_TOKEN: 'short' }).LOCAL_CHAT).toBe(true);
  });

  it('a bot token without PUBLIC_URL (long polling) is a deployment: no demo roster, no open try-out chat', () => {
    for (const env of [{ TELEGRAM_BOT_TOKEN: '123:abc' }, { ZALO_APP_ID: '42' }]) {
      const c = loadConfig(env);
      expect(c.LOCAL_CHAT).toBe(false);
      expect(c.DEMO).toBe(false);
    }
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc', LOCAL_CHAT: '1' })).toThrow('cần ADMIN_TOKEN');
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc', LOCAL_CHAT: '1', HOST: '127.0.0.1' }).LOCAL_CHAT).toBe(
      true,
    );
  });

  it('with PUBLIC_URL the local chat is off unless LOCAL_CHAT=1 is given', async () => {
    expect(loadConfig({ PUBLIC_URL }).LOCAL_CHAT).toBe(false);
    expect(loadConfig({ PUBLIC_URL, LOCAL_CHAT: '' }).LOCAL_CHAT).toBe(false);
    h = await createHarness({ env: { PUBLIC_URL } });
    expect((await h.app.http.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await h.app.http.inject({ method: 'GET', url: '/local/api/people' })).statusCode).toBe(404);
  });

  it('LOCAL_CHAT=1 with PUBLIC_URL needs an ADMIN_TOKEN of at least 32 characters', () => {
    expect(() => loadConfig({ PUBLIC_URL, LOCAL_CHAT: '1' })).toThrow(
      'PUBLIC_URL và LOCAL_CHAT=1 đã đặt: cần ADMIN_TOKEN để bảo vệ trang chat thử (hoặc bỏ LOCAL_CHAT).',
    );
    expect(() => loadConfig({ PUBLIC_URL, LOCAL_CHAT: '1', ADMIN_TOKEN: LONG.slice(1) })).toThrow(
      'PUBLIC_URL đã đặt: ADMIN_TOKEN cần ít nhất 32 ký tự (ví dụ tạo bằng: openssl rand -hex 32).',
    );
    expect(() => loadConfig({ PUBLIC_URL, ADMIN_TOKEN: 'secret-token-1' })).toThrow('ít nhất 32 ký tự');
    const c = loadConfig({ PUBLIC_URL, LOCAL_CHAT: '1', ADMIN_TOKEN: LONG });
    expect(c.LOCAL_CHAT).toBe(true);
    expect(c.ADMIN_TOKEN).toBe(LONG);
  });
});
