#!/usr/bin/env bash
# Verity's local demo, no cluster needed: installs what is missing, starts a real registry and Notary
# server with signed and unsigned images (tests/harness), starts the webhook on 127.0.0.1 with its
# embedded demo configuration, sends it AdmissionReviews and prints what it decided.
#
# usage: scripts/demo.sh          run the demo (the test bed keeps running for the next run)
#        scripts/demo.sh --stop   stop this checkout's test bed (by the PIDs it recorded)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  --stop) stop_harness; exit 0 ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  "") ;;
  *) die "unknown argument $1 (see --help)" ;;
esac

require_dotnet
start_harness
cd "$VERITY_ROOT"
say "building Verity"
build_log=$(mktemp)
if ! dotnet build src/Verity -c Release -nologo -v quiet -clp:ErrorsOnly >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  die "the build failed"
fi
rm -f "$build_log"
args=(demo)
if [[ -f $VERITY_TESTBED ]]; then
  args+=(--testbed "$VERITY_TESTBED")
fi
status=0
dotnet run --project src/Verity -c Release --no-build -- "${args[@]}" || status=$?
say "the test bed in $VERITY_TESTBED_DIR is still running (ports from $VERITY_TESTBED_PORT_BASE); stop it with: scripts/demo.sh --stop"
exit "$status"
