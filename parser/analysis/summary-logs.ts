// Every user log message of a trace (trace.Log), stored by column: a service that logs per
// request writes millions, and an event object per message cost ~200 bytes and much of the
// summary's collection time. Tasks refer to their messages by index; pages read them through
// LogTable.

import { EventKind, type GoID, type Nanoseconds, type ProcID, type StackID, type TaskID, type ThreadID, type TraceEvent } from '../model/event.ts';
import { grownCapacity, resized } from '../model/typed-arrays.ts';
import { StringTable } from '../model/timeline-columns.ts';
import type { EventRecord } from './summary-types.ts';

/** The read side: what Summary.logs offers the pages. */
export interface LogTable {
  readonly length: number;
  /** Message `i` as the event record the task pages list (made on each call). */
  get(i: number): EventRecord;
  time(i: number): Nanoseconds;
  goroutine(i: number): GoID;
  proc(i: number): ProcID;
  thread(i: number): ThreadID;
  stack(i: number): StackID;
  taskId(i: number): TaskID;
  category(i: number): string;
  message(i: number): string;
}

export class LogStore implements LogTable {
  private count = 0;
  private capacity = 0;
  private times = new Float64Array(0);
  private goroutines = new Float64Array(0);
  private procs = new Float64Array(0);
  private threads = new Float64Array(0);
  private tasks = new Float64Array(0);
  private stacks = new Uint32Array(0);
  private categories = new Uint32Array(0);
  private messages = new Uint32Array(0);
  /** Categories and messages, each text once (most repeat: a few formats, many messages). */
  private readonly texts = new StringTable();

  get length(): number {
    return this.count;
  }

  /** A Log event; returns its index. */
  add(ev: TraceEvent): number {
    const i = this.count++;
    if (i === this.capacity) this.grow();
    this.times[i] = ev.time;
    this.goroutines[i] = ev.g;
    this.procs[i] = ev.p;
    this.threads[i] = ev.m;
    this.tasks[i] = ev.taskId;
    this.stacks[i] = ev.stack;
    this.categories[i] = this.texts.intern(ev.category);
    this.messages[i] = this.texts.intern(ev.message);
    return i;
  }

  get(i: number): EventRecord {
    return {
      kind: EventKind.Log,
      time: this.times[i],
      goroutine: this.goroutines[i],
      stack: this.stacks[i],
      taskId: this.tasks[i],
      category: this.category(i),
      message: this.message(i),
      proc: this.procs[i],
      thread: this.threads[i],
    };
  }

  time(i: number): Nanoseconds {
    return this.times[i];
  }

  goroutine(i: number): GoID {
    return this.goroutines[i];
  }

  proc(i: number): ProcID {
    return this.procs[i];
  }

  thread(i: number): ThreadID {
    return this.threads[i];
  }

  stack(i: number): StackID {
    return this.stacks[i];
  }

  taskId(i: number): TaskID {
    return this.tasks[i];
  }

  category(i: number): string {
    return this.texts.get(this.categories[i]);
  }

  message(i: number): string {
    return this.texts.get(this.messages[i]);
  }

  private grow(): void {
    const n = grownCapacity(this.capacity, 8);
    this.times = resized(this.times, n);
    this.goroutines = resized(this.goroutines, n);
    this.procs = resized(this.procs, n);
    this.threads = resized(this.threads, n);
    this.tasks = resized(this.tasks, n);
    this.stacks = resized(this.stacks, n);
    this.categories = resized(this.categories, n);
    this.messages = resized(this.messages, n);
    this.capacity = n;
  }
}
