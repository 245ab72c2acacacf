#!/usr/bin/env bash
# Integration check for `tstrace URL` against a real Go service (needs Go 1.27; not part of CI,
# which has no Go): builds scripts/live-capture/main.go, runs it with net/http/pprof on loopback,
# captures 2 s with the built CLI, and checks the saved trace parses and yields a profile.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=/usr/lib/go-1.27/bin/go
[ -x "$GO" ] || { echo "live-capture: Go 1.27 is not installed (../shared/tools/install-go-toolchains.sh 1.27)"; exit 1; }
work=$(mktemp -d)
trap 'kill "${svc:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
GOROOT=/usr/lib/go-1.27 GO111MODULE=off "$GO" build -o "$work/svc" scripts/live-capture/main.go
"$work/svc" > "$work/addr" &
svc=$!
for _ in $(seq 50); do [ -s "$work/addr" ] && break; sleep 0.1; done
addr=$(head -1 "$work/addr")
[ -f dist/cli.js ] || npm run build
(cd "$work" && node "$OLDPWD/dist/cli.js" -pprof=sync -seconds=2 "$addr" > sync.pb.gz)
saved=$(ls "$work"/*.trace)
echo "live-capture: saved $(stat -c %s "$saved") bytes to $(basename "$saved")"
"$GO" tool pprof -top "$work/sync.pb.gz" | head -12
"$GO" tool trace -pprof=sync "$saved" > "$work/go-sync.pb.gz"
echo "live-capture: go tool trace reads the same capture ($(stat -c %s "$work/go-sync.pb.gz") bytes of profile)"
# The two profiles must agree: compare go tool pprof's full -top tables (sample order aside).
top() { "$GO" tool pprof -top -nodecount=100000 "$1" 2>/dev/null | sed -n '/flat%/,$p'; }
if diff <(top "$work/sync.pb.gz") <(top "$work/go-sync.pb.gz") > "$work/top.diff"; then
  echo "live-capture: tstrace's sync profile equals go tool trace's"
else
  echo "live-capture: profiles differ:"; cat "$work/top.diff"; exit 1
fi
