// Hand-written event sequences for the summarizer's tricky cases, in Go's testgen form (the way
// Go writes its own parser tests). Every event advances time by one tick (64ns); batch start
// times spread them out.
package main

import (
	gotrace "gotrace"
	"gotrace/inner/testgen"
	"gotrace/tracev2"
	"gotrace/version"
)

type handwritten struct {
	name  string
	trace *testgen.Trace
}

var (
	stkMain = []gotrace.StackFrame{
		{PC: 0x1010, Func: "main.handle", File: "main.go", Line: 20},
		{PC: 0x1000, Func: "main.main", File: "main.go", Line: 10},
	}
	stkWorker = []gotrace.StackFrame{
		{PC: 0x2010, Func: "main.step", File: "worker.go", Line: 7},
		{PC: 0x2000, Func: "main.worker", File: "worker.go", Line: 3},
	}
	stkSystem = []gotrace.StackFrame{{PC: 0x3000, Func: "runtime.bgsweep", File: "mgcsweep.go", Line: 1}}
)

func handwrittenCases() []handwritten {
	return []handwritten{
		{"regions-tasks-inheritance", regionsTasksInheritance()},
		{"start-states-syscalls-ranges", startStatesSyscallsRanges()},
	}
}

// Tasks with a parent, logs with and without category, nested regions, a region ended without
// a begin, goroutines that inherit their creator's region (a user one and a system one), a
// goroutine exiting inside a region, a task never begun, blocking forever inside a region.
func regionsTasksInheritance() *testgen.Trace {
	t := testgen.NewTrace(version.Go122)
	g := t.Generation(1)
	b := g.Batch(gotrace.ThreadID(0), 1000)
	b.Event("ProcStatus", gotrace.ProcID(0), tracev2.ProcRunning)
	b.Event("GoStatus", gotrace.GoID(1), gotrace.ThreadID(0), tracev2.GoRunning)
	b.Event("UserTaskBegin", gotrace.TaskID(4), gotrace.TaskID(0), "parent", stkMain)
	b.Event("UserTaskBegin", gotrace.TaskID(5), gotrace.TaskID(4), "job", stkMain)
	b.Event("UserRegionBegin", gotrace.TaskID(5), "outer", stkMain)
	b.Event("GoCreate", gotrace.GoID(2), stkWorker, stkMain)
	b.Event("UserRegionBegin", gotrace.TaskID(5), "inner", stkMain)
	b.Event("UserLog", gotrace.TaskID(5), "cat", "hello", stkMain)
	b.Event("UserLog", gotrace.TaskID(5), "", "plain \"quoted\"", stkMain)
	b.Event("UserRegionEnd", gotrace.TaskID(5), "inner", stkMain)
	b.Event("GoCreate", gotrace.GoID(3), stkSystem, stkMain)
	b.Event("GoBlock", "chan receive", stkMain)
	b.Event("GoStart", gotrace.GoID(2), testgen.Seq(1))
	b.Event("UserRegionEnd", gotrace.TaskID(0), "orphan", stkWorker)
	b.Event("UserRegionBegin", gotrace.TaskID(0), "w", stkWorker)
	b.Event("GoUnblock", gotrace.GoID(1), testgen.Seq(1), stkWorker)
	b.Event("GoDestroy")
	b = g.Batch(gotrace.ThreadID(0), 5000)
	b.Event("GoStart", gotrace.GoID(1), testgen.Seq(2))
	b.Event("UserRegionEnd", gotrace.TaskID(5), "outer", stkMain)
	b.Event("UserTaskEnd", gotrace.TaskID(5), stkMain)
	b.Event("UserRegionBegin", gotrace.TaskID(7), "open", stkMain)
	b.Event("GoStop", "preempted", stkMain)
	b = g.Batch(gotrace.ThreadID(0), 9000)
	b.Event("GoStart", gotrace.GoID(1), testgen.Seq(3))
	b.Event("UserRegionBegin", gotrace.TaskID(0), "never ends", stkMain)
	b.Event("GoBlock", "forever", stkMain)
	return t
}

// Goroutines present at the start in every state, a syscall that blocks (its P is stolen), a
// syscall with its P kept, goroutine- and P-scoped ranges, one active across a generation.
func startStatesSyscallsRanges() *testgen.Trace {
	t := testgen.NewTrace(version.Go122)
	g1 := t.Generation(1)
	b0 := g1.Batch(gotrace.ThreadID(0), 1000)
	b0.Event("ProcStatus", gotrace.ProcID(0), tracev2.ProcRunning)
	b0.Event("GoStatus", gotrace.GoID(1), gotrace.ThreadID(0), tracev2.GoRunning)
	b0.Event("GCMarkAssistBegin", stkMain)
	b0.Event("GCSweepBegin", stkMain)
	b0.Event("GCSweepEnd", uint64(10), uint64(20))
	b0.Event("GoSyscallBegin", testgen.Seq(1), stkMain)
	b0 = g1.Batch(gotrace.ThreadID(0), 3000)
	b0.Event("GoSyscallEndBlocked")

	b1 := g1.Batch(gotrace.ThreadID(1), 1500)
	b1.Event("ProcStatus", gotrace.ProcID(1), tracev2.ProcRunning)
	b1.Event("GoStatus", gotrace.GoID(2), gotrace.ThreadID(1), tracev2.GoRunning)
	b1.Event("GoStatus", gotrace.GoID(3), gotrace.NoThread, tracev2.GoWaiting)
	b1.Event("GoStatus", gotrace.GoID(4), gotrace.NoThread, tracev2.GoRunnable)
	b1.Event("ProcSteal", gotrace.ProcID(0), testgen.Seq(2), gotrace.ThreadID(0))
	b1.Event("GoUnblock", gotrace.GoID(3), testgen.Seq(1), stkWorker)
	b1.Event("GoSyscallBegin", testgen.Seq(1), stkWorker)
	b1.Event("GoSyscallEnd")
	b1.Event("GoStop", "preempted", stkWorker)
	b1.Event("GoStart", gotrace.GoID(4), testgen.Seq(1))
	b1.Event("GoBlock", "sync", stkWorker)

	g2 := t.Generation(2)
	b0 = g2.Batch(gotrace.ThreadID(0), 6000)
	b0.Event("GoStatus", gotrace.GoID(1), gotrace.ThreadID(0), tracev2.GoRunnable)
	b1 = g2.Batch(gotrace.ThreadID(1), 6000)
	b1.Event("ProcStatus", gotrace.ProcID(1), tracev2.ProcRunning)
	b1.Event("GoStatus", gotrace.GoID(3), gotrace.NoThread, tracev2.GoRunnable)
	b1.Event("GoStatus", gotrace.GoID(2), gotrace.NoThread, tracev2.GoRunnable)
	b1.Event("GoStatus", gotrace.GoID(4), gotrace.NoThread, tracev2.GoWaiting)
	b1.Event("GCMarkAssistActive", gotrace.GoID(1))
	b1.Event("GoStart", gotrace.GoID(1), testgen.Seq(1))
	b1.Event("GCMarkAssistEnd")
	b1.Event("GoDestroy")
	return t
}
