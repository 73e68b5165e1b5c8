/**
 * The area of a phản ánh (D3): typed part of a name is searched, or the unit tree is browsed page
 * by page; the chat turns what these return into buttons.
 */
import { fold } from '../../domain/text.js';
import type { UnitNode } from '../../store/cases.js';
import type { UnitRow } from '../../store/units.js';
import type { CasePorts } from './ports.js';

type AreaPorts = Pick<CasePorts, 'cases'>;

/**
 * "Khu phố Đông Côi" → "dong coi": what someone would type for a place of this roster. Read at each
 * use: a roster imported while the service runs changes the example too.
 */
export function typedAreaExample(p: AreaPorts): string | null {
  const unit = p.cases.exampleLeafUnit();
  if (!unit) return null;
  const bare = unit.name.startsWith(`${unit.kind} `) ? unit.name.slice(unit.kind.length + 1) : unit.name;
  return fold(bare) || null;
}

export function areaById(p: AreaPorts, id: number): UnitRow | undefined {
  return p.cases.unit(id);
}

/** Units whose names match what was typed (diacritics optional), best first. */
export function findAreas(p: AreaPorts, typed: string, limit: number): UnitRow[] {
  return p.cases.searchUnits(typed, limit);
}

/** Builds the folded area index before the first citizen types a name (~0.1 s for 5,000 units). */
export function warmAreaIndex(p: AreaPorts): void {
  p.cases.searchUnits('a', 1);
}

export interface AreaPage {
  /** The unit whose children are shown; undefined at the top. */
  parent: UnitRow | undefined;
  /** Where browsing from the top landed (the first unit that branches); null below it. */
  top: number | null;
  page: UnitNode[];
  /** The offset of the next page, or null on the last. */
  nextOffset: number | null;
}

/** One page of the units under `parentId` (null: the top, skipping single units down to a branch). */
export function browseAreas(
  p: AreaPorts,
  q: { parentId: number | null; offset: number; pageSize: number },
): AreaPage {
  let parent: UnitRow | undefined = q.parentId === null ? undefined : p.cases.unit(q.parentId);
  let children = p.cases.unitChildren(parent?.id ?? null);
  // From the top, a single unit (the province) is not a choice anyone needs: go down to where the tree branches.
  let top: number | null = null;
  if (q.parentId === null) {
    while (children.length === 1 && children[0]!.hasChildren) {
      parent = children[0]!;
      children = p.cases.unitChildren(parent.id);
    }
    top = parent?.id ?? null;
  }
  const end = q.offset + q.pageSize;
  return {
    parent,
    top,
    page: children.slice(q.offset, end),
    nextOffset: end < children.length ? end : null,
  };
}
