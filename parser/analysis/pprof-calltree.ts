// Blocking-profile records as a JSON call tree (for the browser's flame graph) and as a
// top-functions list (pprof -top's flat and cumulative columns). Values are the profile's
// delay in ns; counts are its contentions. Frames resolve as in the pprof file we write.

import type { TraceTables } from '../model/tables.ts';
import { PPROF_MAX_STACK, type ProfileRecord } from './pprof.ts';

export interface CallTreeNode {
  name: string;
  file: string;
  /** 'line' granularity: the frame's line; 'function': the first line seen for the function. */
  line: number;
  /** Delay (ns) of samples whose innermost frame is this node. */
  self: number;
  /** Delay (ns) of all samples through this node. */
  total: number;
  selfCount: number;
  totalCount: number;
  children: CallTreeNode[];
}

export interface TopFunction {
  name: string;
  file: string;
  /** Delay (ns) where the function is the innermost frame. */
  flat: number;
  flatCount: number;
  /** Delay (ns) of samples with the function anywhere on the stack (counted once per sample). */
  cum: number;
  cumCount: number;
}

export interface CallTreeOptions {
  /** Merge frames by function (pprof's default) or keep each call line apart. */
  granularity?: 'function' | 'line';
}

/** The synthetic root's name; its total is the whole profile. */
export const CALL_TREE_ROOT = 'root';

/** Builds the caller → callee tree, root first, children sorted by total (largest first). */
export function profileCallTree(records: readonly ProfileRecord[], tables: TraceTables, options: CallTreeOptions = {}): CallTreeNode {
  const byLine = options.granularity === 'line';
  const root = newNode(CALL_TREE_ROOT, '', 0);
  // Children looked up by key while building; dropped afterwards so the result is plain data.
  const childIndex = new Map<CallTreeNode, Map<string, CallTreeNode>>();
  const stacks = resolveStacks(records, tables);
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    const frames = stacks[r];
    let node = root;
    node.total += record.totalNs;
    node.totalCount += record.count;
    for (let i = frames.length - 1; i >= 0; i--) {
      const frame = frames[i];
      const name = tables.frameFunc[frame];
      const file = tables.frameFile[frame];
      const line = tables.frameLine[frame];
      const key = byLine ? `${name}\u0000${file}\u0000${line}` : `${name}\u0000${file}`;
      let children = childIndex.get(node);
      if (children === undefined) childIndex.set(node, (children = new Map()));
      let child = children.get(key);
      if (child === undefined) {
        child = newNode(name, file, line);
        children.set(key, child);
        node.children.push(child);
      }
      node = child;
      node.total += record.totalNs;
      node.totalCount += record.count;
    }
    node.self += record.totalNs;
    node.selfCount += record.count;
  }
  sortChildren(root);
  return root;
}

/** pprof -top: every function with its flat and cumulative delay, largest flat first. */
export function topFunctions(records: readonly ProfileRecord[], tables: TraceTables): TopFunction[] {
  const byKey = new Map<string, TopFunction>();
  const seenInSample = new Set<string>();
  const entry = (name: string, file: string): TopFunction => {
    const key = `${name}\u0000${file}`;
    let fn = byKey.get(key);
    if (fn === undefined) byKey.set(key, (fn = { name, file, flat: 0, flatCount: 0, cum: 0, cumCount: 0 }));
    return fn;
  };
  const stacks = resolveStacks(records, tables);
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    const frameIds = stacks[r];
    seenInSample.clear();
    for (let i = 0; i < frameIds.length; i++) {
      const name = tables.frameFunc[frameIds[i]];
      const file = tables.frameFile[frameIds[i]];
      const fn = entry(name, file);
      if (i === 0) {
        fn.flat += record.totalNs;
        fn.flatCount += record.count;
      }
      const key = `${name}\u0000${file}`;
      if (!seenInSample.has(key)) {
        seenInSample.add(key);
        fn.cum += record.totalNs;
        fn.cumCount += record.count;
      }
    }
  }
  return [...byKey.values()].sort((a, b) => b.flat - a.flat || b.cum - a.cum || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Each record's frames (innermost first, cut at 128) as the pprof file shows them: go tool
 * trace makes one location per PC, so a PC seen again resolves to the frame first seen with it
 * (frames are visited in the encoder's order).
 */
function resolveStacks(records: readonly ProfileRecord[], tables: TraceTables): number[][] {
  const frameByPC = new Map<number, number>();
  return records.map((record) => {
    const frameIds = tables.stackFrameIds(record.stackId);
    const depth = Math.min(frameIds.length, PPROF_MAX_STACK);
    const frames: number[] = [];
    for (let i = 0; i < depth; i++) {
      const pc = tables.framePC[frameIds[i]];
      let frame = frameByPC.get(pc);
      if (frame === undefined) frameByPC.set(pc, (frame = frameIds[i]));
      frames.push(frame);
    }
    return frames;
  });
}

function newNode(name: string, file: string, line: number): CallTreeNode {
  return { name, file, line, self: 0, total: 0, selfCount: 0, totalCount: 0, children: [] };
}

function sortChildren(node: CallTreeNode): void {
  // Iterative: stacks can be deep and trees wide.
  const pending = [node];
  for (let n = pending.pop(); n !== undefined; n = pending.pop()) {
    n.children.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    pending.push(...n.children);
  }
}
