import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability` (issue 7): the service run as a child process (dist/main.js), killed,
 * flooded and starved. RELIABILITY_FULL=1 runs the full sizes; the default fits CI.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/reliability/globalSetup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file runs its own service process on its own database and port; most of the time is spent
    // waiting (Telegram's 1 message/s per chat, restarts, back-off), so files overlap well.
    maxWorkers: 3,
  },
});
