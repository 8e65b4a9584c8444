#!/usr/bin/env bash
# Throughput of a running `verity serve` measured with wrk (Debian's wrk: C, epoll, OpenSSL), a lighter load generator
# than Verity.LoadTest's .NET client, so that more of two shared cores is left to the server. Every answer is checked
# (bench/scripts/wrk-review.lua). Prints one line with right answers per second, latency and the CPU share of the
# machine's cores that the server and wrk each used during the measured run (after a warm-up run).
#
# usage: bench/scripts/throughput-wrk.sh URL REVIEW.json EXPECT SERVER_PID [--connections 32] [--seconds 10] [--warmup 2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url=$1 review=$2 expect=$3 server=$4
shift 4
connections=32 seconds=10 warmup=2 threads=2
while (($#)); do
  case $1 in
    --connections) connections=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "throughput-wrk.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if ! command -v wrk >/dev/null; then
  echo "throughput-wrk.sh: installing wrk" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >&2
fi

export WRK_BODY=$review WRK_EXPECT=$expect
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
cores=$(nproc)
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$here/wrk-review.lua" "$url/mutate" >/dev/null
before=$(ticks "$server")
report=$(mktemp)
TIMEFORMAT='%U %S'
{ time wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$here/wrk-review.lua" "$url/mutate" >"$report"; } 2>"$report.cpu"
after=$(ticks "$server")
line=$(grep '^wrk answers=' "$report")
python3 - "$line" "$(cat "$report.cpu")" "$((after - before))" "$hz" "$cores" "$connections" <<'PY'
import sys
fields = dict(kv.split("=") for kv in sys.argv[1].split()[1:])
user, system = (float(x) for x in sys.argv[2].split())
server_ticks, hz, cores, connections = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
seconds = float(fields["seconds"])
answers, wrong, errors = int(fields["answers"]), int(fields["wrong"]), int(fields["errors"])
right = (answers - wrong) / seconds
print(f"POST /mutate (wrk): {answers / seconds:.0f} req/s, p50 {int(fields['p50_us']) / 1000:.2f} ms, p99 {int(fields['p99_us']) / 1000:.2f} ms "
      f"({answers} answers, {errors} errors, {wrong} wrong answers, {right:.0f} right answers/s, {connections} connections, {seconds:.0f} s); "
      f"CPU share of {cores} cores: load generator {(user + system) / seconds / cores:.0%}, server {server_ticks / hz / seconds / cores:.0%}")
PY
rm -f "$report" "$report.cpu"
