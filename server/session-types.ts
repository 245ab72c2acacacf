// The session type the app and routes are written against: a TraceSession running the
// served analyses (analyses/index.ts).

import type { TraceSession } from './trace-session.ts';
import type { TraceAnalyses } from './analyses/index.ts';

export type ServedSession = TraceSession<TraceAnalyses>;
