// bigtrace writes a large execution trace for benchmarks: 48 busy goroutines for a few
// seconds, each spawning short-lived goroutines, contending on a mutex and channels.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	seconds := flag.Float64("seconds", 3, "how long to run")
	workers := flag.Int("workers", 48, "busy goroutines")
	flag.Parse()
	f, err := os.Create(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
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
	time.Sleep(time.Duration(*seconds * float64(time.Second)))
	stop.Store(true)
	wg.Wait()
	trace.Stop()
	close(results)
	log.Printf("created %d goroutines", created.Load())
}
