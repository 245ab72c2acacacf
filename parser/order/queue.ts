// The events an ordering step produces, waiting to be handed out (Go's ordering.queue).
// One advance yields 1–3 events; records are reused so ordering allocates nothing per event.

export class OrderedEvent {
  typ = 0;
  time = 0;
  g = -1;
  p = -1;
  m = -1;
  /** Wire arguments after the timestamp, with the values ordering smuggles in (Go's base.args). */
  readonly args = new Float64Array(4);
  /** UserTaskEnd: the task type carried over from its TaskBegin (Go's extra string). */
  taskName = '';
}

export class EventQueue {
  private records: OrderedEvent[] = [];
  private start = 0;
  private end = 0;

  /** Returns the next free record, appended to the queue; the caller fills every field. */
  push(typ: number, time: number, g: number, p: number, m: number): OrderedEvent {
    if (this.end === this.records.length) this.records.push(new OrderedEvent());
    const r = this.records[this.end++];
    r.typ = typ;
    r.time = time;
    r.g = g;
    r.p = p;
    r.m = m;
    const args = r.args;
    args[0] = 0;
    args[1] = 0;
    args[2] = 0;
    args[3] = 0;
    r.taskName = '';
    return r;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The next queued event, or undefined; the record stays valid until the next push. */
  shift(): OrderedEvent | undefined {
    if (this.start === this.end) {
      this.start = this.end = 0;
      return undefined;
    }
    const r = this.records[this.start++];
    if (this.start === this.end) this.start = this.end = 0;
    return r;
  }
}
