#!/usr/bin/env bash
# The notaryv1 cold path of two builds of Verity.Benchmarks, alternated block by block (the order swapped every block) so
# they share the machine's load alike: each block is one `coldpath ROUNDS` run, which measures the server's own answers
# in the same process as its baseline. Compare each build's "first validation − baseline" and ratios across the blocks
# (the median of the block medians). Needs the test bed (VERITY_TESTBED).
#
# usage: bench/scripts/coldpath-ab.sh ROUNDS BLOCKS LABEL=Verity.Benchmarks.dll LABEL=Verity.Benchmarks.dll
set -euo pipefail
rounds=$1 blocks=$2
shift 2
variants=("$@")
for ((block = 0; block < blocks; block++)); do
  order=("${variants[@]}")
  if ((block % 2 == 1)); then
    order=()
    for ((i = ${#variants[@]} - 1; i >= 0; i--)); do order+=("${variants[i]}"); done
  fi
  for variant in "${order[@]}"; do
    echo "=== block $block ${variant%%=*} load $(cut -d' ' -f1 /proc/loadavg)"
    dotnet "${variant#*=}" coldpath "$rounds" | tail -n 6
  done
done
