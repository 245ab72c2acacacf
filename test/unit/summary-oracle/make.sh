#!/usr/bin/env bash
# Remakes cases.json and formats.json (Go's duration/quote/histogram forms):
# hand-written event sequences (cases.go, in Go's testgen form) and Go's own
# parser test traces, each read by Go 1.27's internal/trace and summarized by its Summarizer —
# the code go tool trace runs. The unit test feeds the same events to our summarizer.
#
# internal/trace cannot be imported from outside the Go tree, so it is copied to a scratch
# GOPATH under another import path. Needs /usr/lib/go-1.27 (see /work/shared/GO-TOOLCHAINS.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
goroot="${GOROOT_127:-/usr/lib/go-1.27}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

src="$scratch/src"
mkdir -p "$src/gotrace" "$src/gotxtar" "$src/oracle"
# The library without its tests (and testtrace's files that need internal/testenv).
(cd "$goroot/src/internal/trace" && find . -name '*.go' ! -name '*_test.go' ! -path './testdata/*' \
  ! -path './testtrace/helpers.go' ! -path './testtrace/platforms.go' ! -path './testtrace/validation.go' \
  -exec cp --parents {} "$src/gotrace/" \;)
# Of traceviewer only the histogram (the rest needs internal/profile).
rm -rf "$src/gotrace/traceviewer" && mkdir -p "$src/gohist"
cp "$goroot/src/internal/trace/traceviewer/histogram.go" "$src/gohist/"
cp "$goroot/src/internal/txtar/archive.go" "$src/gotxtar/"
find "$src/gotrace" -name '*.go' -exec sed -i \
  -e 's#"internal/trace/internal/#"gotrace/internal/#' -e 's#"internal/trace/#"gotrace/#' \
  -e 's#"internal/trace"#"gotrace"#' -e 's#"internal/txtar"#"gotxtar"#' {} +
# Go refuses "internal" path elements outside their parent; rename the folder and its imports.
mv "$src/gotrace/internal" "$src/gotrace/inner"
find "$src/gotrace" -name '*.go' -exec sed -i -e 's#"gotrace/internal/#"gotrace/inner/#' {} +
cp "$here/oracle.go" "$here/cases.go" "$here/formats.go" "$src/oracle/"

cd "$src/oracle"
if [[ "${1:-}" == "-traces" ]]; then
  # Go's summaries of binary traces, to stdout (paths relative to the caller's directory).
  shift
  args=()
  for f in "$@"; do args+=("$(cd "$OLDPWD" && realpath "$f")"); done
  GOROOT="$goroot" GOPATH="$scratch" GO111MODULE=off GOFLAGS= "$goroot/bin/go" run . -traces "${args[@]}"
  exit
fi
GOROOT="$goroot" GOPATH="$scratch" GO111MODULE=off GOFLAGS= "$goroot/bin/go" run . \
  "$goroot/src/internal/trace/testdata/tests" > "$here/cases.json"
GOROOT="$goroot" GOPATH="$scratch" GO111MODULE=off GOFLAGS= "$goroot/bin/go" run . \
  "$goroot/src/internal/trace/testdata/tests" -formats > "$here/formats.json"
echo "wrote $here/formats.json and $here/cases.json ($(wc -c < "$here/cases.json") bytes)"
