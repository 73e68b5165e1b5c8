/**
 * Sizes of the reliability suite: the full sizes with RELIABILITY_FULL=1, a CI size that
 * exercises the same paths in a couple of minutes otherwise. RELIABILITY_SEED replays a run.
 */
export const FULL = process.env.RELIABILITY_FULL === '1';

export const SEED = process.env.RELIABILITY_SEED
  ? Number(process.env.RELIABILITY_SEED)
  : Date.now() % 1_000_000_007;

export const SIZES = FULL
  ? {
      crashCadres: 100,
      kills: 8,
      badBodies: 2000,
      faultCadres: 40,
      backupCadres: 60,
      tickWeeks: 4,
      ticks: 80,
    }
  : { crashCadres: 30, kills: 5, badBodies: 500, faultCadres: 15, backupCadres: 20, tickWeeks: 2, ticks: 30 };

/** Printed by every test so a failure can be replayed with RELIABILITY_SEED. */
export function announce(test: string, seed: number): void {
  process.stdout.write(
    `[reliability] ${test}: seed ${seed} (replay with RELIABILITY_SEED=${seed})${FULL ? ', full size' : ''}\n`,
  );
}
