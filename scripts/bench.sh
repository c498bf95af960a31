#!/usr/bin/env bash
# Runs every Google Benchmark program of a build tree, then `openssl speed`
# for the same primitives in the same run, and prints Loom's rates as ratios
# of the machine's own (absolute times are noisy on shared machines).
set -euo pipefail
build_dir=${1:-build/release}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

found=0
for bench in $(find "$build_dir/tests/bench" -type f -name '*_bench' -perm -u+x | sort); do
  found=1
  echo "== $(basename "$bench")"
  "$bench" --benchmark_min_time=0.2 | tee -a "$out/loom.txt"
done
if [ $found = 0 ]; then
  echo "bench: no *_bench programs in $build_dir/tests/bench" >&2
  exit 1
fi

echo "== openssl speed (the machine's own ceiling for the same primitives)"
openssl speed -seconds 1 ecdsap256 2>/dev/null | tail -2 | tee "$out/ecdsa.txt"
openssl speed -seconds 1 -bytes 1024 sha256 2>/dev/null | tail -2 | tee "$out/sha.txt"

# Google Benchmark prints "BM_Name  <time> ns  <cpu> ns  <iterations>".
loom_ns() { awk -v name="$1" '$1 == name { print $4; exit }' "$out/loom.txt"; }
sign_ns=$(loom_ns BM_EcdsaSign)
verify_ns=$(loom_ns BM_EcdsaVerify)
sha_ns=$(loom_ns BM_Sha256/1024)
read -r ossl_sign ossl_verify < <(awk '/nistp256/ { print $(NF-1), $NF }' "$out/ecdsa.txt")
ossl_sha_kbs=$(awk '/^sha256/ { sub("k", "", $2); print $2 }' "$out/sha.txt")

echo "== Loom as a fraction of this machine's openssl (same run)"
awk -v s="$sign_ns" -v v="$verify_ns" -v h="$sha_ns" -v os="$ossl_sign" -v ov="$ossl_verify" -v oh="$ossl_sha_kbs" 'BEGIN {
  if (s > 0 && os > 0) printf "ECDSA P-256 sign:   %8.0f/s vs openssl %8.0f/s  ratio %.2f\n", 1e9 / s, os, (1e9 / s) / os;
  if (v > 0 && ov > 0) printf "ECDSA P-256 verify: %8.0f/s vs openssl %8.0f/s  ratio %.2f\n", 1e9 / v, ov, (1e9 / v) / ov;
  if (h > 0 && oh > 0) printf "SHA-256 1 KiB:      %8.1f MB/s vs openssl %8.1f MB/s  ratio %.2f\n", 1024e3 / h, oh / 1000, (1024e3 / h) / (oh / 1000);
}'

# loom-bench on the quickstart network (docs/bench.md): peak end-to-end throughput as a share of the
# network's crypto ceiling (closed loop), then the committer alone (validate-only); the network is
# brought up in a temporary workspace and stopped afterwards.
loom_bench="$build_dir/app/bench/loom-bench"
if [ -x "$loom_bench" ]; then
  echo "== loom-bench: quickstart end-to-end (closed loop, 160 in flight, 10 s)"
  "$loom_bench" run scenarios/quickstart.yaml --workspace "$out/quickstart" --workload assets-create \
    --in-flight 160 --clients 32 --duration 10s --report "$out/e2e" --down ||
    echo "loom-bench: the end-to-end run failed" >&2
  echo "== loom-bench: quickstart validate-only (4000 transactions, in-process committer)"
  "$loom_bench" run "$out/quickstart" --workload assets-create --validate-only --txs 4000 ||
    echo "loom-bench: the validate-only run failed" >&2
fi
