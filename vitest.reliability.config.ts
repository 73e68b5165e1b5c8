import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability` (issue 7): the service run as a child process (dist/main.js), killed,
 * flooded and starved. RELIABILITY_FULL=1 runs the full sizes; the default fits CI.
 *
 * Two groups, one after the other, in the same run (so one JSON report counts them all): the flood
 * file measures latency, which SIGKILL restarts and CPU-bound neighbours would distort, so it runs
 * alone once the others are done.
 */
const FLOOD = 'test/reliability/flood*.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['test/reliability/globalSetup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file runs its own service process on its own database and port; most of the time is spent
    // waiting (Telegram's 1 message/s per chat, restarts, back-off), so files overlap well.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          exclude: [FLOOD],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'flood', include: [FLOOD], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
