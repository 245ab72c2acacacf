// A tiny service with net/http/pprof on loopback, busy enough that a trace has something in it.
// Used by scripts/live-capture.sh to check `tstrace host:port` against a real Go runtime.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stdout, ln.Addr().String())
	var mu sync.Mutex
	counter := 0
	for i := 0; i < 8; i++ {
		go func() {
			for {
				mu.Lock()
				counter++
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	log.Fatal(http.Serve(ln, nil))
}
