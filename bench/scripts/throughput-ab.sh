#!/usr/bin/env bash
# Throughput of two or more builds of `verity serve` with 32 connections, the builds alternated round by round so they
# share the machine's load alike; each run measures GET /health on the same server first (Verity.LoadTest).
# Compare right answers per second of the server's CPU (the load test prints the server's CPU share).
#
# usage: bench/scripts/throughput-ab.sh CONFIG REVIEW.json ROUNDS LABEL=VERITY [LABEL=VERITY...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
config=$1 review=$2 rounds=$3
shift 3
for ((round = 1; round <= rounds; round++)); do
  for variant in "$@"; do
    label=${variant%%=*}
    port=$((29600 + RANDOM % 300))
    "${variant#*=}" serve --config "$config" --urls "https://127.0.0.1:$port" --log-level error --reload-interval 0 >/dev/null 2>&1 &
    pid=$!
    until curl -sfk --max-time 1 "https://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
    echo "== round $round $label, load average $(cut -d' ' -f1 /proc/loadavg)"
    dotnet "$root/bench/Verity.LoadTest/bin/Release/net10.0/Verity.LoadTest.dll" "https://127.0.0.1:$port" "$review" \
      --connections 32 --seconds 8 --warmup 2 --expect '"allowed":true' --pid "$pid"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done
