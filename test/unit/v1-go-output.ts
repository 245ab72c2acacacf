// Captured from `go tool trace -d=parsed` (Go 1.27) on the traces of v1-scenarios.ts;
// v1-synthetic.test.ts re-captures them whenever Go 1.27 is installed, so they cannot go stale.

export const goParsedOf_busy21 = `M=-1 P=-1 G=-1 Sync Time=-1 N=1
M=-1 P=0 G=2 StateTransition Time=10 GoID=2 Undetermined->Waiting Reason=""
M=7 P=0 G=-1 StateTransition Time=13 ProcID=0 Undetermined->Running Reason=""
M=-1 P=0 G=2 StackSample Time=15
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=1 StateTransition Time=17 GoID=1 Undetermined->Running Reason=""
M=-1 P=-1 G=-1 StateTransition Time=20 GoID=3 Undetermined->Runnable Reason=""
M=7 P=0 G=1 Metric Time=24 Name="/memory/classes/heap/objects:bytes" Value=Value{Uint64(1099511627779)}
M=-1 P=1000001 G=1 StateTransition Time=27 GoID=2 Waiting->Runnable Reason=""
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=1 StateTransition Time=31 GoID=1 Running->Syscall Reason=""
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=2 StateTransition Time=37 GoID=2 Runnable->Running Reason=""
M=7 P=0 G=2 StateTransition Time=41 GoID=4 NotExist->Runnable Reason=""
TransitionStack=
	main.main @ 0x401000
		/src/main.go:5

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000003 G=1 StateTransition Time=42 GoID=1 Syscall->Runnable Reason=""
M=7 P=0 G=2 StateTransition Time=44 GoID=2 Running->Syscall Reason=""
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=2 StateTransition Time=45 GoID=2 Syscall->Running Reason=""
M=7 P=0 G=2 StateTransition Time=48 GoID=2 Running->Runnable Reason="runtime.Gosched"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 StateTransition Time=51 GoID=4 Runnable->Running Reason=""
M=7 P=0 G=4 Label Time=52 Label="GC (idle)" Resource=Goroutine(4)
M=7 P=0 G=4 TaskBegin Time=55 ID=1 Parent=18446744073709551615 Type="task0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RegionBegin Time=58 Task=1 Type="region0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 Log Time=62 Task=1 Category="key" Message="hello \\"v1\\""
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=9 P=1 G=-1 StateTransition Time=65 ProcID=1 Undetermined->Running Reason=""
M=7 P=0 G=4 RegionEnd Time=66 Task=1 Type="region0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 TaskEnd Time=68 ID=1 Parent=0 Type="task0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000004 G=4 RangeBegin Time=72 Name="GC concurrent mark phase" Scope=None
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeBegin Time=75 Name="stop-the-world (GC mark termination)" Scope=Goroutine(4)
M=7 P=0 G=4 RangeEnd Time=79 Name="stop-the-world (GC mark termination)" Scope=Goroutine(4) Attributes=[]
M=7 P=0 G=4 RangeBegin Time=82 Name="GC mark assist" Scope=Goroutine(4)
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeEnd Time=86 Name="GC mark assist" Scope=Goroutine(4) Attributes=[]
M=7 P=0 G=4 RangeBegin Time=89 Name="GC incremental sweep" Scope=Proc(0)
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeEnd Time=93 Name="GC incremental sweep" Scope=Proc(0) Attributes=["bytes swept"=Value{Uint64(8192)} "bytes reclaimed"=Value{Uint64(4096)}]
M=7 P=0 G=4 RangeEnd Time=96 Name="GC concurrent mark phase" Scope=None Attributes=[]
M=7 P=0 G=4 StateTransition Time=100 GoID=4 Running->Waiting Reason="network"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000002 G=-1 StateTransition Time=101 GoID=4 Waiting->Runnable Reason=""
M=7 P=0 G=2 StateTransition Time=103 GoID=2 Runnable->Running Reason=""
M=7 P=0 G=2 StateTransition Time=106 GoID=2 Running->Waiting Reason="sleep"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=9 P=1 G=1 StateTransition Time=107 GoID=1 Runnable->Running Reason=""
M=7 P=0 G=-1 StateTransition Time=110 ProcID=0 Running->Idle Reason=""
M=9 P=1 G=1 StateTransition Time=111 GoID=1 Running->NotExist Reason=""
M=9 P=1 G=-1 StateTransition Time=113 ProcID=1 Running->Idle Reason=""
M=-1 P=-1 G=-1 Sync Time=114 N=2
`;

export const goParsedOf_busy19 = `M=-1 P=-1 G=-1 Sync Time=-1 N=1
M=-1 P=0 G=2 StateTransition Time=10 GoID=2 Undetermined->Waiting Reason=""
M=7 P=0 G=-1 StateTransition Time=13 ProcID=0 Undetermined->Running Reason=""
M=-1 P=0 G=2 StackSample Time=15
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=1 StateTransition Time=17 GoID=1 Undetermined->Running Reason=""
M=-1 P=-1 G=-1 StateTransition Time=20 GoID=3 Undetermined->Runnable Reason=""
M=7 P=0 G=1 Metric Time=24 Name="/memory/classes/heap/objects:bytes" Value=Value{Uint64(1099511627779)}
M=-1 P=1000001 G=1 StateTransition Time=27 GoID=2 Waiting->Runnable Reason=""
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=1 StateTransition Time=31 GoID=1 Running->Syscall Reason=""
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=2 StateTransition Time=37 GoID=2 Runnable->Running Reason=""
M=7 P=0 G=2 StateTransition Time=41 GoID=4 NotExist->Runnable Reason=""
TransitionStack=
	main.main @ 0x401000
		/src/main.go:5

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000003 G=1 StateTransition Time=42 GoID=1 Syscall->Runnable Reason=""
M=7 P=0 G=2 StateTransition Time=44 GoID=2 Running->Syscall Reason=""
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=2 StateTransition Time=45 GoID=2 Syscall->Running Reason=""
M=7 P=0 G=2 StateTransition Time=48 GoID=2 Running->Runnable Reason="runtime.Gosched"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 StateTransition Time=51 GoID=4 Runnable->Running Reason=""
M=7 P=0 G=4 Label Time=52 Label="GC (idle)" Resource=Goroutine(4)
M=7 P=0 G=4 TaskBegin Time=55 ID=1 Parent=18446744073709551615 Type="task0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RegionBegin Time=58 Task=1 Type="region0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 Log Time=62 Task=1 Category="key" Message="hello \\"v1\\""
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=9 P=1 G=-1 StateTransition Time=65 ProcID=1 Undetermined->Running Reason=""
M=7 P=0 G=4 RegionEnd Time=66 Task=1 Type="region0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 TaskEnd Time=68 ID=1 Parent=0 Type="task0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000004 G=4 RangeBegin Time=72 Name="GC concurrent mark phase" Scope=None
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeBegin Time=75 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(4)
M=7 P=0 G=4 RangeEnd Time=79 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(4) Attributes=[]
M=7 P=0 G=4 RangeBegin Time=82 Name="GC mark assist" Scope=Goroutine(4)
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeEnd Time=86 Name="GC mark assist" Scope=Goroutine(4) Attributes=[]
M=7 P=0 G=4 RangeBegin Time=89 Name="GC incremental sweep" Scope=Proc(0)
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeEnd Time=93 Name="GC incremental sweep" Scope=Proc(0) Attributes=["bytes swept"=Value{Uint64(8192)} "bytes reclaimed"=Value{Uint64(4096)}]
M=7 P=0 G=4 RangeEnd Time=96 Name="GC concurrent mark phase" Scope=None Attributes=[]
M=7 P=0 G=4 StateTransition Time=100 GoID=4 Running->Waiting Reason="network"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000002 G=-1 StateTransition Time=101 GoID=4 Waiting->Runnable Reason=""
M=7 P=0 G=2 StateTransition Time=103 GoID=2 Runnable->Running Reason=""
M=7 P=0 G=2 StateTransition Time=106 GoID=2 Running->Waiting Reason="sleep"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=9 P=1 G=1 StateTransition Time=107 GoID=1 Runnable->Running Reason=""
M=7 P=0 G=-1 StateTransition Time=110 ProcID=0 Running->Idle Reason=""
M=9 P=1 G=1 StateTransition Time=111 GoID=1 Running->NotExist Reason=""
M=9 P=1 G=-1 StateTransition Time=113 ProcID=1 Running->Idle Reason=""
M=-1 P=-1 G=-1 Sync Time=114 N=2
`;

export const goParsedOf_busy11 = `M=-1 P=-1 G=-1 Sync Time=-1 N=1
M=-1 P=0 G=2 StateTransition Time=10 GoID=2 Undetermined->Waiting Reason=""
M=7 P=0 G=-1 StateTransition Time=13 ProcID=0 Undetermined->Running Reason=""
M=7 P=0 G=1 StateTransition Time=17 GoID=1 Undetermined->Running Reason=""
M=-1 P=-1 G=-1 StateTransition Time=20 GoID=3 Undetermined->Runnable Reason=""
M=7 P=0 G=1 Metric Time=24 Name="/memory/classes/heap/objects:bytes" Value=Value{Uint64(1099511627779)}
M=-1 P=1000001 G=1 StateTransition Time=27 GoID=2 Waiting->Runnable Reason=""
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=1 StateTransition Time=31 GoID=1 Running->Syscall Reason=""
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=2 StateTransition Time=37 GoID=2 Runnable->Running Reason=""
M=7 P=0 G=2 StateTransition Time=41 GoID=4 NotExist->Runnable Reason=""
TransitionStack=
	main.main @ 0x401000
		/src/main.go:5

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000003 G=1 StateTransition Time=42 GoID=1 Syscall->Runnable Reason=""
M=7 P=0 G=2 StateTransition Time=44 GoID=2 Running->Syscall Reason=""
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=2 StateTransition Time=45 GoID=2 Syscall->Running Reason=""
M=7 P=0 G=2 StateTransition Time=48 GoID=2 Running->Runnable Reason="runtime.Gosched"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 StateTransition Time=51 GoID=4 Runnable->Running Reason=""
M=7 P=0 G=4 Label Time=52 Label="GC (idle)" Resource=Goroutine(4)
M=7 P=0 G=4 TaskBegin Time=55 ID=1 Parent=18446744073709551615 Type="task0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RegionBegin Time=58 Task=1 Type="region0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 Log Time=62 Task=1 Category="key" Message="hello \\"v1\\""
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=9 P=1 G=-1 StateTransition Time=65 ProcID=1 Undetermined->Running Reason=""
M=7 P=0 G=4 RegionEnd Time=66 Task=1 Type="region0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 TaskEnd Time=68 ID=1 Parent=0 Type="task0"
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000004 G=4 RangeBegin Time=72 Name="GC concurrent mark phase" Scope=None
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeBegin Time=75 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(4)
M=7 P=0 G=4 RangeEnd Time=79 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(4) Attributes=[]
M=7 P=0 G=4 RangeBegin Time=82 Name="GC mark assist" Scope=Goroutine(4)
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeEnd Time=86 Name="GC mark assist" Scope=Goroutine(4) Attributes=[]
M=7 P=0 G=4 RangeBegin Time=89 Name="GC incremental sweep" Scope=Proc(0)
Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=7 P=0 G=4 RangeEnd Time=93 Name="GC incremental sweep" Scope=Proc(0) Attributes=["bytes swept"=Value{Uint64(8192)} "bytes reclaimed"=Value{Uint64(4096)}]
M=7 P=0 G=4 RangeEnd Time=96 Name="GC concurrent mark phase" Scope=None Attributes=[]
M=7 P=0 G=4 StateTransition Time=100 GoID=4 Running->Waiting Reason="network"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=-1 P=1000002 G=-1 StateTransition Time=101 GoID=4 Waiting->Runnable Reason=""
M=7 P=0 G=2 StateTransition Time=103 GoID=2 Runnable->Running Reason=""
M=7 P=0 G=2 StateTransition Time=106 GoID=2 Running->Waiting Reason="sleep"
TransitionStack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

Stack=
	main.main @ 0x401100
		/src/main.go:7
	main.main @ 0x401200
		/src/main.go:9

M=9 P=1 G=1 StateTransition Time=107 GoID=1 Runnable->Running Reason=""
M=7 P=0 G=-1 StateTransition Time=110 ProcID=0 Running->Idle Reason=""
M=9 P=1 G=1 StateTransition Time=111 GoID=1 Running->NotExist Reason=""
M=9 P=1 G=-1 StateTransition Time=113 ProcID=1 Running->Idle Reason=""
M=-1 P=-1 G=-1 Sync Time=114 N=2
`;

export const goParsedOf_local = `M=-1 P=-1 G=-1 Sync Time=-1 N=1
M=4 P=0 G=-1 StateTransition Time=0 ProcID=0 Undetermined->Running Reason=""
M=4 P=0 G=-1 StateTransition Time=2 GoID=7 NotExist->Runnable Reason=""
TransitionStack=
	f @ 0x1000
		f.go:3

M=4 P=0 G=7 StateTransition Time=3 GoID=7 Runnable->Running Reason=""
M=4 P=0 G=7 StateTransition Time=4 GoID=8 NotExist->Runnable Reason=""
TransitionStack=
	f @ 0x1000
		f.go:3

Stack=
	f @ 0x1000
		f.go:3

M=4 P=0 G=7 StateTransition Time=5 GoID=7 Running->Waiting Reason="chan receive"
TransitionStack=
	f @ 0x1000
		f.go:3

Stack=
	f @ 0x1000
		f.go:3

M=4 P=0 G=8 StateTransition Time=6 GoID=8 Runnable->Running Reason=""
M=4 P=0 G=8 StateTransition Time=7 GoID=7 Waiting->Runnable Reason=""
Stack=
	f @ 0x1000
		f.go:3

M=4 P=0 G=8 StateTransition Time=8 GoID=8 Running->NotExist Reason=""
M=4 P=0 G=-1 StateTransition Time=9 ProcID=0 Running->Idle Reason=""
M=-1 P=-1 G=-1 Sync Time=10 N=2
`;

export const goParsedOf_futile = { printed: `M=-1 P=-1 G=-1 Sync Time=-1 N=1
M=3 P=0 G=-1 StateTransition Time=0 ProcID=0 Undetermined->Running Reason=""
M=3 P=0 G=-1 Metric Time=20 Name="/gc/heap/goal:bytes" Value=Value{Uint64(4194304)}
`, error: "unexpected event type 36" };

export const goParsedOf_localExit = { printed: '', error: "g 0 is not waiting during syscall exit (time 45)" };
