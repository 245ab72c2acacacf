// Strings, frames and stacks interned for the whole trace (across generations), so the
// long-lived model stores small integer ids instead of objects. Stack id 0 is "no stack".

import type { StackID } from './event.ts';

export interface StackFrame {
  pc: number;
  func: string;
  file: string;
  line: number;
}

export class TraceTables {
  private readonly frameIndex = new Map<string, number>();
  /** Frame columns: frame id → pc, function, file, line. */
  readonly framePC: number[] = [];
  readonly frameFunc: string[] = [];
  readonly frameFile: string[] = [];
  readonly frameLine: number[] = [];

  private readonly stackIndex = new Map<string, StackID>();
  /** stack id → its frame ids, innermost first. Index 0 is the empty stack. */
  private readonly stackFrames: Uint32Array[] = [new Uint32Array(0)];

  /** Interns one frame and returns its id. */
  internFrame(pc: number, func: string, file: string, line: number): number {
    const key = `${pc}\u0000${func}\u0000${file}\u0000${line}`;
    let id = this.frameIndex.get(key);
    if (id === undefined) {
      id = this.framePC.length;
      this.framePC.push(pc);
      this.frameFunc.push(func);
      this.frameFile.push(file);
      this.frameLine.push(line);
      this.frameIndex.set(key, id);
    }
    return id;
  }

  /** Interns a stack (frame ids, innermost first); an empty stack is NoStack (0). */
  internStack(frameIds: ArrayLike<number>): StackID {
    if (frameIds.length === 0) return 0;
    const key = Array.prototype.join.call(frameIds, ',');
    let id = this.stackIndex.get(key);
    if (id === undefined) {
      id = this.stackFrames.length;
      this.stackFrames.push(Uint32Array.from(frameIds));
      this.stackIndex.set(key, id);
    }
    return id;
  }

  get stackCount(): number {
    return this.stackFrames.length;
  }

  /** The frame ids of a stack, innermost first. */
  stackFrameIds(id: StackID): Uint32Array {
    return this.stackFrames[id] ?? this.stackFrames[0];
  }

  /** Resolves a stack into frames, innermost first (Go's Stack.Frames order). */
  frames(id: StackID): StackFrame[] {
    const out: StackFrame[] = [];
    for (const f of this.stackFrameIds(id)) {
      out.push({ pc: this.framePC[f], func: this.frameFunc[f], file: this.frameFile[f], line: this.frameLine[f] });
    }
    return out;
  }
}
