#!/usr/bin/env bash
# Runs Verity's whole test suite: installs what is missing (Debian packages, npm and NuGet packages),
# starts the real servers the tests use (docker-registry, notary, redis, sigstore mocks) on 127.0.0.1,
# builds, runs every test project and ends with one line: "N passed, N failed".
#
# usage: scripts/test.sh [--filter EXPR] [-c Debug|Release]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

configuration=Release
filter=()
while (($#)); do
  case $1 in
    -c) configuration=$2; shift 2 ;;
    --filter) filter=(--filter-query "$2"); shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
done

require_dotnet
start_harness

results="$VERITY_ROOT/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
cd "$VERITY_ROOT"

say "restoring and building ($configuration)"
build_log="$VERITY_ROOT/artifacts/build.log"
if ! dotnet build Verity.slnx -c "$configuration" -nologo -v quiet -clp:ErrorsOnly -warnaserror >"$build_log" 2>&1; then
  cat "$build_log" >&2
  die "the build failed (log: $build_log)"
fi

say "running the tests"
set +e
dotnet test --solution Verity.slnx -c "$configuration" --no-build --results-directory "$results" -p:VerityCtrfReports=true "${filter[@]}"
status=$?
set -e

# The image ships the Native AOT build: publish it and run the executable tests (serve, review, verify, notary, the
# cluster port, the shared cache; each starts the executable as a process) again against it, so that code the JIT runs
# but AOT compilation lost (trimmed metadata, reflection) fails here. VERITY_SKIP_AOT=1 skips this (local runs).
if [[ -z ${VERITY_SKIP_AOT:-} && ${#filter[@]} -eq 0 ]]; then
  case $(uname -m) in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid= ;; esac
  need=()
  command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc)
  [[ -e /usr/include/zlib.h ]] || need+=(zlib1g-dev)
  if ((${#need[@]})) && [[ $(id -u) == 0 ]]; then
    say "installing Debian packages for Native AOT: ${need[*]}"
    { apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "${need[@]}" ||
      { apt-get update -qq && apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "${need[@]}"; }; } >/dev/null 2>&1 || true
  fi
  aot="$VERITY_ROOT/artifacts/aot"
  say "publishing the Native AOT executable ($rid) and running the executable tests against it"
  if [[ -n $rid ]] && dotnet publish src/Verity -c Release -r "$rid" -o "$aot" -nologo -v quiet -clp:ErrorsOnly >"$VERITY_ROOT/artifacts/aot-publish.log" 2>&1; then
    set +e
    VERITY_EXECUTABLE="$aot/verity" dotnet test --project tests/Verity.IntegrationTests -c "$configuration" --no-build \
      --results-directory "$results/aot" -p:VerityCtrfReports=true -- --filter-class '*ExecutableTests'
    aot_status=$?
    set -e
    ((aot_status == 0)) || status=$aot_status
  else
    cat "$VERITY_ROOT/artifacts/aot-publish.log" >&2
    say "the Native AOT publish failed (log: artifacts/aot-publish.log): counting it as a failure"
    aot_failed=1
  fi
fi

# Sums a field of the CTRF reports' "summary" objects (no jq needed).
summary() {
  find "$results" -name '*.ctrf' -print0 | xargs -0 -r cat | tr -d ' \n\r\t' \
    | grep -o '"summary":{[^}]*}' | sed -E "s/.*\"$1\":([0-9]+).*/\1/" | awk '{s+=$1} END {print s+0}'
}
projects=$(find tests -name '*.csproj' -exec grep -l '<IsTestProject>true' {} + | wc -l)
reports=$(find "$results" -name '*.ctrf' | wc -l)
passed=0
failed=0
skipped=0
if ((reports > 0)); then
  passed=$(summary passed)
  failed=$(summary failed)
  skipped=$(summary skipped)
fi

# Tests that need the real-tool fixtures skip with this reason where ../shared/fixtures is absent; where the fixtures
# are present, such a skip means a test lost its fixtures, which counts as a failure.
fixture_skips=0
if ((reports > 0)); then
  fixture_skips=$( (find "$results" -name '*.ctrf' -print0 | xargs -0 -r grep -o 'real cosign/notation fixtures not present' || true) | wc -l)
fi
if ((fixture_skips > 0)) && fixtures_present; then
  say "$fixture_skips tests were skipped for missing fixtures although $(fixtures_root) exists: counting them as failures"
  failed=$((failed + fixture_skips))
elif ((fixture_skips > 0)); then
  say "$fixture_skips tests need the real cosign/notation/Notary fixtures (../shared/fixtures or VERITY_SHARED_FIXTURES) and were skipped"
fi
if ((reports < projects)); then
  say "only $reports of $projects test projects reported results: counting each missing one as a failure"
  failed=$((failed + projects - reports))
fi
failed=$((failed + ${aot_failed:-0}))
if ((status != 0 && failed == 0)); then
  say "dotnet test exited with $status without a failed test: counting it as a failure"
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
