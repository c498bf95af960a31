#!/usr/bin/env bash
# `make run`: opens the Loom GUI (ui/loom) on the scenario.
# `make run HEADLESS=1`: brings the scenario's network up in a workspace
# (crypto, genesis blocks, orderer and peers as processes, chaincodes
# installed and defined), records traces while loom-bench runs a short
# load, then prints the transaction flow of a few transactions (every phase
# on every node) and the paper's Table 1 for the run.
# Usage: scripts/run-quickstart.sh BUILD_DIR SCENARIO RUN_DIR [HEADLESS]
set -euo pipefail
build_dir=${1:?build dir}
scenario=${2:?scenario file}
run_dir=${3:?run dir}
headless=${4:-0}
loomctl="$build_dir/app/loomctl/loomctl"
bench="$build_dir/app/bench/loom-bench"
workspace="$run_dir/workspace"
report="$run_dir/report"

mkdir -p "$run_dir"
if [[ "$headless" != 1 ]]; then
  # The GUI on the scenario, in the same workspace as the headless flow (a
  # network already running there is attached when Start is pressed).
  if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    echo "loom: no display (DISPLAY / WAYLAND_DISPLAY unset); use make run HEADLESS=1 for the terminal flow." >&2
    exit 1
  fi
  exec "$build_dir/ui/loom" --scenario "$scenario" --workspace "$workspace"
fi

if "$loomctl" status --workspace "$workspace" >/dev/null 2>&1; then
  echo "== the network of $workspace is already running (loomctl down --workspace $workspace stops it)"
else
  echo "== loomctl up $scenario --workspace $workspace"
  "$loomctl" up "$scenario" --workspace "$workspace"
fi

# Traces of every node go to the workspace's trace store while the load runs
# (emptied first, so the summary below is this run's).
rm -rf "$workspace/traces"
"$loomctl" trace record --workspace "$workspace" >"$run_dir/trace-record.log" 2>&1 &
recorder=$!
stop_recorder() { kill -INT "$recorder" 2>/dev/null || true; wait "$recorder" 2>/dev/null || true; }
trap stop_recorder EXIT

echo
echo "== loom-bench run $workspace --workload assets-create --rate 20 --duration 5s"
rm -rf "$report"
"$bench" run "$workspace" --workload assets-create --rate 20 --duration 5s --report "$report"
stop_recorder
trap - EXIT

# The first three committed transactions of the run, phase by phase.
mapfile -t txs < <(awk -F, 'NR > 1 && $14 == "valid" { print $3 }' "$report/latencies.csv" | head -n 3)
for tx in "${txs[@]}"; do
  echo
  echo "== loomctl trace show $tx"
  "$loomctl" trace show "$tx" --workspace "$workspace"
done

echo
echo "== loomctl trace summary (the paper's Table 1 for this run)"
"$loomctl" trace summary --workspace "$workspace"

echo
echo "The network keeps running: loomctl status --workspace $workspace"
echo "  loomctl invoke mychannel assets ReadAsset <id> --workspace $workspace"
echo "  loomctl down --workspace $workspace   (keeps the data; --purge deletes it)"
