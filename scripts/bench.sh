#!/usr/bin/env bash
# Runs every Google Benchmark program of a build tree, then `openssl speed`
# for the same primitives, so Loom's figures read as ratios of the machine's.
set -euo pipefail
build_dir=${1:-build/release}
shopt -s nullglob
found=0
for bench in $(find "$build_dir/tests/bench" -type f -name '*_bench' -perm -u+x | sort); do
  found=1
  echo "== $(basename "$bench")"
  "$bench" --benchmark_min_time=0.2
done
if [ $found = 0 ]; then
  echo "bench: no *_bench programs in $build_dir/tests/bench" >&2
  exit 1
fi
echo "== openssl speed (the machine's own ceiling for the same primitives)"
openssl speed -seconds 1 ecdsap256 2>/dev/null | tail -3
openssl speed -seconds 1 -bytes 1024 sha256 2>/dev/null | tail -2
