// The four blocking profiles, by the names the CLI (-pprof=) and the API (/api/pprof/:kind) use.
export const PROFILE_KINDS = ['net', 'sync', 'syscall', 'sched'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];
