// The JSON the server's /api routes return, as the client reads it (docs/api.md is the
// reference). Kept client-side and structural so that the client imports no server code.

export interface LostData {
  error: string;
  validBytes: number;
  totalBytes: number;
  lostBytes: number;
  lostPercent: number;
  /** go tool trace's own wording of the loss. */
  note: string;
}

/** GET /api/trace */
export interface TraceInfo {
  file: string;
  fileSize: number;
  goVersion: string;
  format: 'v1' | 'v2';
  startTime: number | null;
  endTime: number | null;
  durationNs: number;
  events: number;
  validEvents?: number;
  generations: number;
  procs: number;
  maxGomaxprocs?: number | null;
  threads?: number;
  goroutines?: number;
  eventsByKind?: Record<string, number>;
  lostData: LostData | null;
}

/** GET /api/goroutines */
export interface GoroutineGroupSummary {
  name: string;
  count: number;
  execTimeNs: number;
}

export interface GoroutineRow {
  id: number;
  totalNs: number;
  stats: Record<string, number>;
  rangeStats: Record<string, number>;
}

/** GET /api/goroutines/group?name=N, as sent: the rows by column (a group may hold millions). */
export interface GoroutineGroupResponse extends Omit<GoroutineGroup, 'goroutines'> {
  goroutines: {
    id: number[];
    totalNs: number[];
    stats: Record<string, number[]>;
    rangeStats: Record<string, number[]>;
  };
}

/** GET /api/goroutines/group?name=N, with one row object per goroutine (goroutineGroupRows). */
export interface GoroutineGroup {
  name: string;
  count: number;
  execTimeNs: number;
  execTimePercent: number | null;
  maxTotalNs: number;
  statLabels: string[];
  rangeLabels: string[];
  goroutines: GoroutineRow[];
}

export interface StackFrame {
  func: string;
  file: string;
  line: number;
  pc?: number | string;
}

export interface GoroutineRegion {
  type: string;
  taskId: number | null;
  startTime: number | null;
  endTime: number | null;
  durationNs: number;
  stats: Record<string, number>;
  rangeStats: Record<string, number>;
}

/** GET /api/goroutines/:id (absolute times in the parser's time base) */
export interface GoroutineDetail {
  id: number;
  name: string;
  pc?: number;
  creationTime: number | null;
  startTime: number | null;
  endTime: number | null;
  totalNs: number;
  stats: Record<string, number>;
  rangeStats: Record<string, number>;
  /** Its first 1000 regions by start; `regionCount` counts them all. */
  regions: GoroutineRegion[];
  regionCount: number;
  startFrame: StackFrame | null;
}

/** A node of the profile call tree, outermost caller first. */
export interface ProfileNode {
  name: string;
  file: string;
  line: number;
  self: number;
  total: number;
  children: ProfileNode[];
}

/** GET /api/profile/:kind */
export interface ProfileTree {
  kind: string;
  totalNs: number;
  totalCount: number;
  root: ProfileNode;
  top: { name: string; file: string; flat: number; cum: number }[];
}

export interface HistogramBucket {
  minNs: number;
  maxNs: number;
  count: number;
}

export interface Histogram {
  count: number;
  buckets: HistogramBucket[];
}

/** GET /api/tasks */
export interface TaskTypes {
  types: { type: string; count: number; completeCount: number; histogram: Histogram }[];
}

export interface TaskEvent {
  whenNs: number;
  elapsedNs: number;
  goroutine: number;
  what: string;
}

/** GET /api/tasks/type?type=T (times since the start of the trace) */
export interface TasksOfType {
  filter: string;
  /** Tasks matching; `tasks` lists the shortest 1000 of them. */
  total: number;
  /** Durations of every complete matching task (not only those listed). */
  histogram: Histogram;
  tasks: {
    id: number;
    startNs: number;
    durationNs: number;
    complete: boolean;
    goroutines: number[];
    events: TaskEvent[];
  }[];
}

/** GET /api/regions */
export interface RegionTypes {
  regions: { type: string; pc: string; frame: StackFrame | null; count: number; histogram: Histogram }[];
}

/** GET /api/regions/type?type=T&pc=PC (absolute times) */
export interface RegionsOfType {
  filter: string;
  /** Regions matching; `regions` lists the first 1000 in the page's order. */
  total: number;
  /** Total times of every matching region (not only those listed). */
  histogram: Histogram;
  statLabels: string[];
  rangeLabels: string[];
  maxTotalNs: number;
  regions: {
    goroutine: number;
    taskId: number | null;
    startTime: number | null;
    endTime: number | null;
    totalNs: number;
    stats: Record<string, number>;
    rangeStats: Record<string, number>;
  }[];
}

/** GET /api/mmu?flags=… */
export interface MmuCurve {
  flags: string;
  xMinNs: number;
  xMaxNs: number;
  quantiles: number[] | null;
  curve: number[][];
}

/** GET /api/mmu/worst?window=NS&flags=… */
export interface MmuWorst {
  windowNs: number;
  windows: { time: number; mutatorUtil: number }[];
}
