/** The area tree's row, read the same way by every repository that needs a unit. */
export interface UnitRow {
  id: number;
  parentId: number | null;
  kind: string;
  name: string;
  path: string;
  depth: number;
}

export function toUnit(r: unknown): UnitRow | undefined {
  if (!r) return undefined;
  const x = r as Record<string, unknown>;
  return {
    id: x.id as number,
    parentId: (x.parent_id as number | null) ?? null,
    kind: x.kind as string,
    name: x.name as string,
    path: x.path as string,
    depth: x.depth as number,
  };
}

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
