// Reads traces with Go 1.27's internal/trace (copied as "gotrace" by make.sh), runs its
// Summarizer, and prints each trace's event stream and summary as JSON for
// test/unit/summary-oracle.test.ts. Times are Go's trace.Time (ns); NoTask is written as -1.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	gotrace "gotrace"
	"gotrace/testtrace"
)

type frame [4]any // pc, func, file, line

type event struct {
	Kind      int    `json:"k"`
	Time      int64  `json:"t"`
	G         int64  `json:"g"`
	P         int64  `json:"p"`
	M         int64  `json:"m"`
	Stack     int    `json:"s,omitempty"`
	Name      string `json:"n,omitempty"`
	ResKind   int    `json:"rk,omitempty"`
	ResID     int64  `json:"ri,omitempty"`
	Old       int    `json:"os,omitempty"`
	New       int    `json:"ns,omitempty"`
	Reason    string `json:"r,omitempty"`
	TransStk  int    `json:"ts,omitempty"`
	Task      *int64 `json:"task,omitempty"`
	Parent    *int64 `json:"ptask,omitempty"`
	Category  string `json:"cat,omitempty"`
	Message   string `json:"msg,omitempty"`
}

type stats struct {
	ExecTime          int64            `json:"execTime"`
	SchedWaitTime     int64            `json:"schedWaitTime"`
	BlockTimeByReason map[string]int64 `json:"blockTimeByReason"`
	SyscallTime       int64            `json:"syscallTime"`
	SyscallBlockTime  int64            `json:"syscallBlockTime"`
	TotalTime         int64            `json:"totalTime"`
	RangeTime         map[string]int64 `json:"rangeTime"`
}

type eventRef struct {
	Kind int   `json:"kind"`
	Time int64 `json:"time"`
}

type region struct {
	TaskID int64     `json:"taskId"`
	Name   string    `json:"name"`
	Start  *eventRef `json:"start"`
	End    *eventRef `json:"end"`
	Stats  stats     `json:"stats"`
}

type goroutine struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	PC           uint64   `json:"pc"`
	CreationTime int64    `json:"creationTime"`
	StartTime    int64    `json:"startTime"`
	EndTime      int64    `json:"endTime"`
	Stats        stats    `json:"stats"`
	Regions      []region `json:"regions"`
}

type task struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Parent     *int64    `json:"parent"`
	Children   []int64   `json:"children"`
	Start      *eventRef `json:"start"`
	End        *eventRef `json:"end"`
	Logs       []int64   `json:"logs"`
	Regions    []region  `json:"regions"`
	Goroutines []int64   `json:"goroutines"`
}

type result struct {
	Name       string      `json:"name"`
	Stacks     [][]frame   `json:"stacks"`
	Events     []event     `json:"events"`
	Goroutines []goroutine `json:"goroutines"`
	Tasks      []task      `json:"tasks"`
}

func taskID(id gotrace.TaskID) int64 {
	if id == gotrace.NoTask {
		return -1
	}
	return int64(id)
}

func convStats(s gotrace.GoroutineExecStats) stats {
	out := stats{s.ExecTime.Nanoseconds(), s.SchedWaitTime.Nanoseconds(), map[string]int64{}, s.SyscallTime.Nanoseconds(),
		s.SyscallBlockTime.Nanoseconds(), s.TotalTime.Nanoseconds(), map[string]int64{}}
	for k, v := range s.BlockTimeByReason {
		out.BlockTimeByReason[k] = v.Nanoseconds()
	}
	for k, v := range s.RangeTime {
		out.RangeTime[k] = v.Nanoseconds()
	}
	return out
}

func ref(ev *gotrace.Event) *eventRef {
	if ev == nil {
		return nil
	}
	return &eventRef{int(ev.Kind()), int64(ev.Time())}
}

func convRegion(r *gotrace.UserRegionSummary) region {
	return region{taskID(r.TaskID), r.Name, ref(r.Start), ref(r.End), convStats(r.GoroutineExecStats)}
}

func summarize(name string, r io.Reader) (*result, error) {
	rd, err := gotrace.NewReader(r)
	if err != nil {
		return nil, err
	}
	res := &result{Name: name, Stacks: [][]frame{{}}}
	stackIDs := map[string]int{}
	intern := func(s gotrace.Stack) int {
		var frames []frame
		var key strings.Builder
		for f := range s.Frames() {
			frames = append(frames, frame{f.PC, f.Func, f.File, f.Line})
			fmt.Fprintf(&key, "%x/%s/%s/%d;", f.PC, f.Func, f.File, f.Line)
		}
		if len(frames) == 0 {
			return 0
		}
		id, ok := stackIDs[key.String()]
		if !ok {
			id = len(res.Stacks)
			res.Stacks = append(res.Stacks, frames)
			stackIDs[key.String()] = id
		}
		return id
	}
	var events []gotrace.Event
	for {
		ev, err := rd.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	s := gotrace.NewSummarizer()
	for i := range events {
		ev := &events[i]
		s.Event(ev)
		out := event{Kind: int(ev.Kind()), Time: int64(ev.Time()), G: int64(ev.Goroutine()), P: int64(ev.Proc()), M: int64(ev.Thread()), Stack: intern(ev.Stack())}
		switch ev.Kind() {
		case gotrace.EventStateTransition:
			st := ev.StateTransition()
			out.ResKind = int(st.Resource.Kind)
			out.Reason = st.Reason
			out.TransStk = intern(st.Stack)
			switch st.Resource.Kind {
			case gotrace.ResourceGoroutine:
				out.ResID = int64(st.Resource.Goroutine())
				o, n := st.Goroutine()
				out.Old, out.New = int(o), int(n)
			case gotrace.ResourceProc:
				out.ResID = int64(st.Resource.Proc())
				o, n := st.Proc()
				out.Old, out.New = int(o), int(n)
			case gotrace.ResourceThread:
				out.ResID = int64(st.Resource.Thread())
			}
		case gotrace.EventRangeBegin, gotrace.EventRangeActive, gotrace.EventRangeEnd:
			r := ev.Range()
			out.Name = r.Name
			out.ResKind = int(r.Scope.Kind)
			switch r.Scope.Kind {
			case gotrace.ResourceGoroutine:
				out.ResID = int64(r.Scope.Goroutine())
			case gotrace.ResourceProc:
				out.ResID = int64(r.Scope.Proc())
			case gotrace.ResourceThread:
				out.ResID = int64(r.Scope.Thread())
			}
		case gotrace.EventTaskBegin, gotrace.EventTaskEnd:
			t := ev.Task()
			id, parent := taskID(t.ID), taskID(t.Parent)
			out.Task, out.Parent, out.Name = &id, &parent, t.Type
		case gotrace.EventRegionBegin, gotrace.EventRegionEnd:
			r := ev.Region()
			id := taskID(r.Task)
			out.Task, out.Name = &id, r.Type
		case gotrace.EventLog:
			l := ev.Log()
			id := taskID(l.Task)
			out.Task, out.Category, out.Message = &id, l.Category, l.Message
		}
		res.Events = append(res.Events, out)
	}
	sum := s.Finalize()
	for _, g := range sum.Goroutines {
		og := goroutine{int64(g.ID), g.Name, g.PC, int64(g.CreationTime), int64(g.StartTime), int64(g.EndTime), convStats(g.GoroutineExecStats), []region{}}
		for _, r := range g.Regions {
			og.Regions = append(og.Regions, convRegion(r))
		}
		res.Goroutines = append(res.Goroutines, og)
	}
	sort.Slice(res.Goroutines, func(i, j int) bool { return res.Goroutines[i].ID < res.Goroutines[j].ID })
	for _, t := range sum.Tasks {
		ot := task{ID: taskID(t.ID), Name: t.Name, Children: []int64{}, Start: ref(t.Start), End: ref(t.End), Logs: []int64{}, Regions: []region{}, Goroutines: []int64{}}
		if t.Parent != nil {
			p := taskID(t.Parent.ID)
			ot.Parent = &p
		}
		for _, c := range t.Children {
			ot.Children = append(ot.Children, taskID(c.ID))
		}
		for _, l := range t.Logs {
			ot.Logs = append(ot.Logs, int64(l.Time()))
		}
		for _, r := range t.Regions {
			ot.Regions = append(ot.Regions, convRegion(r))
		}
		for id := range t.Goroutines {
			ot.Goroutines = append(ot.Goroutines, int64(id))
		}
		sort.Slice(ot.Goroutines, func(i, j int) bool { return ot.Goroutines[i] < ot.Goroutines[j] })
		res.Tasks = append(res.Tasks, ot)
	}
	sort.Slice(res.Tasks, func(i, j int) bool { return res.Tasks[i].ID < res.Tasks[j].ID })
	return res, nil
}

func main() {
	var results []*result
	if len(os.Args) > 2 && os.Args[1] == "-traces" {
		// Binary traces: Go's summary only (events omitted), one result per file.
		for _, path := range os.Args[2:] {
			f, err := os.Open(path)
			if err != nil {
				panic(err)
			}
			res, err := summarize(path, f)
			f.Close()
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
				continue
			}
			res.Events, res.Stacks = nil, nil
			results = append(results, res)
		}
		if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
			panic(err)
		}
		return
	}
	add := func(name string, path string) {
		r, _, exp, err := testtrace.ParseFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
		res, err := summarize(name, r)
		if err := exp.Check(err); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
		if res != nil {
			results = append(results, res)
		}
	}
	// Our hand-written cases, generated into Go's text form, then Go's own parser tests.
	tmp, err := os.MkdirTemp("", "summary-oracle")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(tmp)
	for _, c := range handwrittenCases() {
		path := filepath.Join(tmp, c.name+".test")
		if err := os.WriteFile(path, c.trace.Generate(), 0o644); err != nil {
			panic(err)
		}
		add("handwritten/"+c.name, path)
	}
	if len(os.Args) > 1 {
		files, _ := filepath.Glob(filepath.Join(os.Args[1], "*.test"))
		sort.Strings(files)
		for _, f := range files {
			add("go-testdata/"+strings.TrimSuffix(filepath.Base(f), ".test"), f)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	if len(os.Args) > 2 && os.Args[2] == "-formats" {
		if err := enc.Encode(formatCases()); err != nil {
			panic(err)
		}
		return
	}
	if err := enc.Encode(results); err != nil {
		panic(err)
	}
}
