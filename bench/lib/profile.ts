/** Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went, by self time. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './repo.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Cost {
  frame: string;
  selfMs: number;
  share: number;
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const file = url.startsWith('file://') ? relative(ROOT, new URL(url).pathname) : url;
  return `${name} ${file}:${lineNumber + 1}`;
}

/** Self time per function; `(idle)` is kept apart so shares are of the busy time. */
export function topCosts(
  path: string,
  n = 15,
): { busyMs: number; idleMs: number; costs: Cost[]; byArea: Cost[] } {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const byFrame = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const name = label(node);
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    byFrame.set(name, (byFrame.get(name) ?? 0) + ms);
    byArea.set(area(node), (byArea.get(area(node)) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([frame, selfMs]) => ({ frame, selfMs, share: selfMs / busy }));
  return {
    busyMs: busy,
    idleMs: idle,
    costs: sorted(byFrame).slice(0, n),
    byArea: sorted(byArea).slice(0, n),
  };
}

/**
 * Self time of the frames matching `frame`, split by their nearest caller in our code: e.g. which
 * transactions (the dispatcher's batch, the outbox's bookkeeping) the commits belong to.
 */
export function costByCaller(path: string, frame: RegExp): Cost[] {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const out = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    if (!frame.test(label(byId.get(id)!))) continue;
    total += ms;
    let up = parent.get(id);
    let caller = '(no caller of ours)';
    while (up !== undefined) {
      const node = byId.get(up)!;
      // Skip the generic wrappers (db.ts tx, Store.transaction) to reach the code that asked.
      if (/\/dist\//.test(node.callFrame.url) && !/^(tx|transaction) /.test(label(node))) {
        caller = label(node);
        break;
      }
      up = parent.get(up);
    }
    out.set(caller, (out.get(caller) ?? 0) + ms);
  }
  return [...out]
    .sort((a, b) => b[1] - a[1])
    .map(([f, selfMs]) => ({ frame: f, selfMs, share: selfMs / total }));
}

/** Which part of the stack a frame belongs to: our code by directory, a dependency by package. */
function area(n: ProfileNode): string {
  const url = n.callFrame.url;
  if (!url)
    return n.callFrame.functionName.startsWith('(')
      ? n.callFrame.functionName
      : 'native (C++ bindings, e.g. SQLite)';
  if (url.startsWith('node:')) return 'node core';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return `dependency ${m[1]}`;
  const d = /\/dist\/(.*)\/[^/]+\.js$/.exec(url);
  if (d) return `ours: src/${d[1]}`;
  return url;
}
