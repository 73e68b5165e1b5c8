import type { UnitRow } from './ports.js';

export type { UnitRow } from './ports.js';

/** The unit and its ancestors, nearest first. */
export function unitChain(unitOf: (id: number) => UnitRow | undefined, id: number): UnitRow[] {
  const out: UnitRow[] = [];
  for (let u = unitOf(id); u; u = u.parentId === null ? undefined : unitOf(u.parentId)) out.push(u);
  return out;
}

/** True when `path` names the unit at `root` or one under it (paths join levels with " > "). */
export function isAtOrUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root} > `);
}
