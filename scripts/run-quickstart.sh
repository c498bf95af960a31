#!/usr/bin/env bash
# `make run`: the most complete thing Loom can do so far. Generates the
# scenario's crypto material and its channel genesis block, then prints the
# block decoded all the way down.
# Usage: scripts/run-quickstart.sh BUILD_DIR SCENARIO RUN_DIR
set -euo pipefail
build_dir=${1:?build dir}
scenario=${2:?scenario file}
run_dir=${3:?run dir}
loomctl="$build_dir/app/loomctl/loomctl"

mkdir -p "$run_dir"
echo "== loomctl crypto generate $scenario -o $run_dir/crypto"
"$loomctl" crypto generate "$scenario" -o "$run_dir/crypto"

# Every channel of the scenario gets its genesis block.
channels=$("$loomctl" scenario channels "$scenario")
for channel in $channels; do
  block="$run_dir/channel/$channel.genesis.block"
  echo
  echo "== loomctl channel genesis $scenario $channel -o $block"
  "$loomctl" channel genesis "$scenario" "$channel" --crypto "$run_dir/crypto" -o "$block"
  echo
  echo "== loomctl block decode $block"
  "$loomctl" block decode "$block"
done
