#!/bin/bash
# Cold L4 of one project (dependency: stdlib) with facts vs summaries, each in its own process: cold.sh <project> [root]
set -e
P=$1
R=${2:-/tmp/vfscale-bench}
H=$(cd "$(dirname "$0")" && pwd)
cd "$R"
for mode in 0 1; do
  rm -rf .out/$P-$mode && mkdir -p .out/$P-$mode && cp -r .out/$P/l0 .out/$P/l1 .out/$P/l5 .out/$P-$mode/
  echo "cold $P summaries=$mode $(node "$H/l4-once.mjs" "$R" $P .out/$P-$mode $mode stdlib .out/stdlib)"
done
