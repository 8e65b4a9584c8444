#!/usr/bin/env bash
# Verity's local demo, no cluster needed: installs what is missing, starts a real registry and Notary
# server with signed and unsigned images (tests/harness), starts the webhook on 127.0.0.1 with its
# embedded demo configuration, sends it AdmissionReviews and prints what it decided.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_dotnet
start_harness
cd "$VERITY_ROOT"
say "building Verity"
dotnet build src/Verity -c Release -nologo -clp:ErrorsOnly
args=(demo)
if [[ -f $VERITY_TESTBED ]]; then
  args+=(--testbed "$VERITY_TESTBED")
fi
exec dotnet run --project src/Verity -c Release --no-build -- "${args[@]}"
