#!/usr/bin/env bash
# Mutation testing with Stryker.NET (a NuGet tool in dotnet-tools.json) over the trust code of Verity.Core and the
# validators' verification code, with the Microsoft Testing Platform runner. Not part of scripts/test.sh: it takes
# about 3 minutes (Core) and 10 minutes (validators, with the test bed up) on two cores.
#
# usage: scripts/mutation.sh [core|validators|all]     reports in artifacts/mutation/<target>/reports/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
target=${1:-all}
require_dotnet
cd "$VERITY_ROOT"
dotnet tool restore >/dev/null
run() { # project test-project mutate-globs...
  local name=$1 project=$2 tests=$3; shift 3
  local args=()
  for m in "$@"; do args+=(-m "$m"); done
  say "mutating $project (${*})"
  (cd "tests/$tests" && dotnet stryker --test-runner mtp --project "$project" "${args[@]}" --concurrency 2 \
    --reporter markdown --reporter json --reporter progress --output "$VERITY_ROOT/artifacts/mutation/$name")
}
if [[ $target == core || $target == all ]]; then
  run core Verity.Core.csproj Verity.Core.Tests "**/Trust/**/*.cs" "**/Policy/TrustRootSelection.cs" "**/Images/Digest.cs"
fi
if [[ $target == validators || $target == all ]]; then
  start_harness
  run validators Verity.Validators.csproj Verity.Validators.Tests "**/NotaryV1/Tuf/TrustedMetadataSet.cs" \
    "**/NotaryV1/Tuf/SigningRole.cs" "**/Cosign/Verification/CosignVerifier.cs" "**/Cosign/Policy/CosignPolicy.cs"
fi
