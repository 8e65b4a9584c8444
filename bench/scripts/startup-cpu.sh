#!/usr/bin/env bash
# Time to GET /ready and the CPU time the server used until then (user + system, from /proc/PID/stat), for several
# builds of `verity serve`, interleaved run by run so they share the machine's load alike; medians. CPU time is much
# steadier than wall time on a loaded machine: it is the work the start-up does, whoever else wants the cores.
#
# usage: bench/scripts/startup-cpu.sh CONFIG RUNS LABEL=COMMAND [LABEL=COMMAND...]
#   COMMAND: [VAR=VALUE...] VERITY [SERVE OPTIONS...], e.g. "pgo-off=DOTNET_TieredPGO=0 /app/verity --warm-up-timeout 0"
set -euo pipefail
config=$1 runs=$2
shift 2
tick=$(getconf CLK_TCK)
port=$((29000 + RANDOM % 500))
declare -A wall cpu
for ((run = 0; run < runs; run++)); do
  for variant in "$@"; do
    label=${variant%%=*}
    read -r -a words <<<"${variant#*=}"
    vars=()
    while [[ ${words[0]} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do vars+=("${words[0]}"); words=("${words[@]:1}"); done
    start=$(date +%s%N)
    env "${vars[@]}" "${words[0]}" serve --config "$config" --urls "https://127.0.0.1:$port" --log-level error --reload-interval 0 "${words[@]:1}" >/dev/null 2>&1 &
    pid=$!
    until curl -sfk --max-time 1 "https://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.002; done
    end=$(date +%s%N)
    read -r -a stat <"/proc/$pid/stat"
    wall[$label]+="$(((end - start) / 1000000)) "
    cpu[$label]+="$(((stat[13] + stat[14]) * 1000 / tick)) "
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "startup-cpu: $runs runs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for variant in "$@"; do
  label=${variant%%=*}
  echo "$label: ready $(median <<<"${wall[$label]}") ms wall, $(median <<<"${cpu[$label]}") ms CPU (wall: ${wall[$label]}; CPU: ${cpu[$label]})"
done
