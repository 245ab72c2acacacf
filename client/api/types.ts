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

export interface GoroutineGroupSummary {
  name: string;
  count: number;
  execTimeNs: number;
}

export interface GoroutineRow {
  id: number;
  totalNs: number;
  stats: Record<string, number>;
  rangeStats?: Record<string, number>;
}

export interface GoroutineGroup {
  name: string;
  count: number;
  execTimePercent: string | number;
  maxTotalNs?: number;
  goroutines: GoroutineRow[];
  statNames?: string[];
  rangeStatNames?: string[];
}

export interface StackFrame {
  func: string;
  file: string;
  line: number;
  pc?: number | string;
}

export interface GoroutineRegion {
  type?: string;
  name?: string;
  taskId?: number;
  startNs: number;
  endNs: number;
  stats?: Record<string, number>;
}

export interface GoroutineDetail {
  id: number;
  name: string;
  createNs?: number | null;
  startNs?: number | null;
  endNs?: number | null;
  totalNs?: number;
  stats?: Record<string, number>;
  rangeStats?: Record<string, number>;
  regions?: GoroutineRegion[];
  creationStack?: StackFrame[];
  createdBy?: number | null;
}

/** A node of the profile call tree (root has the empty name). */
export interface ProfileNode {
  name: string;
  file?: string;
  line?: number;
  self: number;
  total: number;
  children: ProfileNode[];
}

export interface ProfileTree {
  kind?: string;
  unit?: string;
  total?: number;
  root: ProfileNode;
}

export interface HistogramData {
  /** Go's TimeHistogram: bucket counts from minBucket, plus bucket bounds when the server gives them. */
  buckets?: number[];
  minBucket?: number;
  maxBucket?: number;
  count?: number;
}

export interface TaskTypeSummary {
  type: string;
  count: number;
  histogram?: HistogramData;
  durationsNs?: number[];
}

export interface TaskRow {
  id: number;
  type?: string;
  name?: string;
  startNs: number | null;
  endNs: number | null;
  durationNs: number | null;
  complete?: boolean;
  goroutine?: number;
  parent?: number | null;
  events?: { whenNs: number; elapsedNs?: number; goroutine?: number; what: string }[];
}

export interface RegionTypeSummary {
  type: string;
  pc?: string | number;
  func?: string;
  file?: string;
  line?: number;
  count: number;
  histogram?: HistogramData;
  durationsNs?: number[];
}

export interface RegionRow {
  goroutine: number;
  taskId?: number | null;
  startNs: number;
  endNs: number;
  totalNs: number;
  stats?: Record<string, number>;
  rangeStats?: Record<string, number>;
}

export interface MmuCurve {
  xMin: number;
  xMax: number;
  quantiles?: number[] | null;
  curve: number[][];
}

export interface MmuWindow {
  timeNs: number;
  windowNs?: number;
  utilization: number;
}
