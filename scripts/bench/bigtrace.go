// bigtrace writes a large execution trace for benchmarks: 48 busy goroutines, each spawning
// short-lived goroutines, contending on a mutex and channels, for a few seconds or until the
// trace reaches a size (how much a second writes depends on how fast the machine is right now).
package main

import (
	"flag"
	"io"
	"log"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// countingWriter counts the trace bytes written so far, and ends the program on a failed write
// (a full disk would otherwise leave -mb waiting forever).
type countingWriter struct {
	w       io.Writer
	written atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil {
		log.Fatalf("writing the trace: %v", err)
	}
	c.written.Add(int64(n))
	return n, err
}

func main() {
	seconds := flag.Float64("seconds", 3, "how long to run, unless -mb is set")
	megabytes := flag.Float64("mb", 0, "run until the trace holds this many MB (10^6 bytes; the trace's last buffers come on top)")
	workers := flag.Int("workers", 48, "busy goroutines")
	flag.Parse()
	f, err := os.Create(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	out := &countingWriter{w: f}
	if err := trace.Start(out); err != nil {
		log.Fatal(err)
	}
	var (
		mu      sync.Mutex
		shared  int
		created atomic.Int64
		wg      sync.WaitGroup
		stop    atomic.Bool
	)
	results := make(chan int, 64)
	go func() {
		for range results {
		}
	}()
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				var inner sync.WaitGroup
				for j := 0; j < 4; j++ {
					inner.Add(1)
					created.Add(1)
					go func() {
						defer inner.Done()
						x := 0
						for k := 0; k < 200; k++ {
							x += k * j
						}
						if x%3 == 0 {
							mu.Lock()
							shared += x
							mu.Unlock()
						}
						results <- x
					}()
				}
				inner.Wait()
				if i%64 == 0 {
					_ = make([]byte, 64<<10)
				}
			}
		}(w)
	}
	started := time.Now()
	if *megabytes > 0 {
		for out.written.Load() < int64(*megabytes*1e6) {
			time.Sleep(5 * time.Millisecond)
		}
	} else {
		time.Sleep(time.Duration(*seconds * float64(time.Second)))
	}
	stop.Store(true)
	wg.Wait()
	trace.Stop()
	close(results)
	log.Printf("ran %.2f s, created %d goroutines", time.Since(started).Seconds(), created.Load())
}
