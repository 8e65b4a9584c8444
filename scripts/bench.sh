#!/usr/bin/env bash
# Verity's benchmarks and load runs, in a few minutes, against the test bed's real notary-server: start-up and first
# requests, the notaryv1 cold path, static throughput with 32 connections, 10,000 distinct signed images and a soak.
# Every figure is printed with a baseline measured in the same run (docs/performance.md explains each).
#
# usage: scripts/bench.sh [--soak-seconds N] [--runs N] [--quick]
#   --soak-seconds N  how long the cached passes over the 10,000 images run (default 30; the soak)
#   --runs N          start-ups per variant and first request (default 5)
#   --quick           shorter BenchmarkDotNet jobs (for trying the script out)
# Uses the test bed in $VERITY_TESTBED_DIR (default /tmp/verity-testbed; started with tests/harness/up.sh if absent).
# Output: artifacts/bench/results.txt (and the BenchmarkDotNet reports under bench/Verity.Benchmarks/BenchmarkDotNet.Artifacts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
soak=30
runs=5
bdn=(--warmupCount 3 --iterationCount 15)
while (($#)); do
  case $1 in
    --soak-seconds) soak=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --quick) bdn=(--job short); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bed=${VERITY_TESTBED_DIR:-/tmp/verity-testbed}
if [[ ! -f $bed/testbed.env ]]; then
  "$root/tests/harness/up.sh" "$bed"
fi
# shellcheck disable=SC1091
source "$bed/testbed.env"
export VERITY_TESTBED="$bed/testbed.json" TESTBED_NOTARY_TUF_DIR
out="$root/artifacts/bench"
mkdir -p "$out"
results="$out/results.txt"
: >"$results"
say() { printf '\n== %s\n' "$*" | tee -a "$results" >&2; }
record() { tee -a "$results"; }

say "build (Release) and publish (Native AOT, linux-x64)"
cd "$root"
dotnet build src/Verity -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build bench/Verity.LoadTest -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build bench/Verity.Benchmarks -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
# What the image ships: one Native AOT executable (decision 17).
dotnet publish src/Verity -c Release -r linux-x64 -o "$out/aot" -nologo -v quiet -clp:ErrorsOnly >/dev/null
jit=(dotnet "$root/src/Verity/bin/Release/net10.0/verity.dll")
aot="$out/aot/verity"
loadtest=(dotnet "$root/bench/Verity.LoadTest/bin/Release/net10.0/Verity.LoadTest.dll")
"$root/bench/scripts/seed-notary-tags.sh" "$bed/testbed.env" 10000 bench/many 2>&1 | record

indent() { sed "s/^/$1/" "$2"; }
config="$out/notary.yaml"
cat >"$config" <<YAML
application:
  validators:
    - name: deny
      type: static
      approve: false
    - name: allow
      type: static
      approve: true
    - name: testbed-notary
      type: notaryv1
      host: $TESTBED_NOTARY_URL
      cert: |
$(indent '        ' "$TESTBED_CA_CERT")
      trustRoots:
        - name: default
          key: |
$(indent '            ' "$TESTBED_NOTARY_ROOT_PUB_PEM")
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "docker.io/library/*"
      validator: allow
    - pattern: "$TESTBED_REGISTRY/test/*"
      validator: testbed-notary
    - pattern: "$TESTBED_REGISTRY/bench/*"
      validator: testbed-notary
  features:
    cache:
      expirySeconds: 3600
  logFormat: json
YAML

say "start-up and first requests ($runs start-ups per variant and first review; medians)"
"${loadtest[@]}" startup --config "$config" --runs "$runs" \
  --variant "jit-no-warm-up=${jit[*]} -- --warm-up-timeout 0" \
  --variant "jit=${jit[*]}" \
  --variant "aot-no-warm-up=$aot -- --warm-up-timeout 0" \
  --variant "aot=$aot" \
  --review "notaryv1=$TESTBED_IMAGE:signed|$TESTBED_IMAGE_PLAIN:signed" \
  --review "static=docker.io/library/nginx:1.27|docker.io/library/redis:7" | record

benchmarks=(dotnet "$root/bench/Verity.Benchmarks/bin/Release/net10.0/Verity.Benchmarks.dll")
say "notaryv1 cold path: first validation of a collection in a warm process vs. the server's answers (interleaved, medians)"
"${benchmarks[@]}" coldpath 200 | record
say "notaryv1 cold path: where the time goes (traced first validations in a warm process)"
"${benchmarks[@]}" trace 4 2>&1 | tail -n 12 | record
say "first verification in a fresh process vs. the second (JIT and crypto initialisation; Release build on the JIT)"
"${benchmarks[@]}" first | record
say "notaryv1 cold path (BenchmarkDotNet): first validation of a collection vs. the server's own answers"
(cd bench/Verity.Benchmarks && dotnet bin/Release/net10.0/Verity.Benchmarks.dll --filter '*NotaryColdPath*' "${bdn[@]}" 2>&1 | grep -A7 '^| Method' | record)

say "the webhook under load (Native AOT build, warm-up on)"
port=$((28400 + RANDOM % 500))
url="https://127.0.0.1:$port"
"$aot" serve --config "$config" --urls "$url" --log-level error --reload-interval 0 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -sfk "$url/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
pod() { printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","namespace":"default","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[%s]}}}}' "$1"; }
pod '{"name":"a","image":"docker.io/library/nginx:1.27"},{"name":"b","image":"docker.io/library/redis:7"},{"name":"c","image":"docker.io/library/busybox:1.36"}' >"$out/static-pod.json"
pod "{\"name\":\"a\",\"image\":\"$TESTBED_IMAGE:signed\"}" >"$out/notary-pod.json"
say "static, 3 images, 32 connections (right answers: allowed)"
"${loadtest[@]}" "$url" "$out/static-pod.json" --connections 32 --seconds 10 --warmup 2 --raw --expect '"allowed":true' --pid "$server" | record
say "static, 3 images, 32 connections, wrk as the load generator (a second opinion, every answer checked)"
"$root/bench/scripts/throughput-wrk.sh" "$url" "$out/static-pod.json" '"allowed":true' "$server" --seconds 10 | record
say "notaryv1 signed tag, verdict cached, 32 connections"
"${loadtest[@]}" "$url" "$out/notary-pod.json" --connections 32 --seconds 10 --warmup 2 --raw --expect '"allowed":true' --pid "$server" | record
say "10,000 distinct notary-signed images at 1,000/s, then cached passes for $soak s (the soak)"
"${loadtest[@]}" images "$url" --image-prefix "$TESTBED_REGISTRY/bench/many:t" --count 10000 --rate 1000 --connections 8 \
  --soak-seconds "$soak" --windows 3 --pid "$server" | record
kill "$server"
wait "$server" 2>/dev/null || true
trap - EXIT

say "hot path and notaryv1 verification (BenchmarkDotNet)"
(cd bench/Verity.Benchmarks && dotnet bin/Release/net10.0/Verity.Benchmarks.dll \
  --filter '*AdmissionBenchmarks*' '*NotaryTrustVerifierBenchmarks*' '*SignatureVerifierBenchmarks*' "${bdn[@]}" 2>&1 | grep -A6 '^| Method' | record)
echo "results: $results" >&2
