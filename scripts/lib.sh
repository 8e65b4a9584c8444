# Shared by scripts/*.sh: locate the repository, check the .NET SDK, start the test harness.
# shellcheck shell=bash

VERITY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VERITY_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One test bed per checkout: its folder and ports derive from the checkout's path, so two checkouts on one machine
# do not share (or fight over) servers. Either can be set explicitly; up.sh names any port already in use.
checkout_hash=$(printf '%s' "$VERITY_ROOT" | cksum | awk '{print $1}')
export VERITY_TESTBED_DIR="${VERITY_TESTBED_DIR:-/tmp/verity-testbed-$(printf '%08x' "$checkout_hash")}"
export VERITY_TESTBED_PORT_BASE="${VERITY_TESTBED_PORT_BASE:-$((20000 + (checkout_hash % 300) * 40))}"
export VERITY_TESTBED="$VERITY_TESTBED_DIR/testbed.json"

say() { printf '[verity] %s\n' "$*" >&2; }
die() { printf '[verity] ERROR: %s\n' "$*" >&2; exit 1; }

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    die "the .NET SDK 10 is not installed (https://learn.microsoft.com/dotnet/core/install/linux-debian); Debian 12 does not package it"
  fi
  local want
  want=$(sed -n 's/.*"version": *"\([0-9]*\)\..*/\1/p' "$VERITY_ROOT/global.json" | head -n1)
  if ! dotnet --list-sdks | grep -q "^${want}\."; then
    die "the .NET SDK ${want}.x is required (found: $(dotnet --list-sdks | tr '\n' ' '))"
  fi
}

# Installs the Debian packages the harness needs and starts it (idempotent, fast when already up).
start_harness() {
  local up="$VERITY_ROOT/tests/harness/up.sh"
  if [[ ! -x $up ]]; then
    say "no test harness in this checkout; skipping the real registry/notary servers"
    return 0
  fi
  say "starting the test harness in $VERITY_TESTBED_DIR (port base $VERITY_TESTBED_PORT_BASE)"
  local log="$VERITY_TESTBED_DIR.up.log"
  mkdir -p "$(dirname "$log")"
  if ! "$up" "$VERITY_TESTBED_DIR" "$VERITY_TESTBED_PORT_BASE" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "the test harness did not start (full log: $log)"
  fi
  say "test harness up ($(grep -c '' "$log") log lines in $log)"
}

stop_harness() {
  "$VERITY_ROOT/tests/harness/down.sh" "$VERITY_TESTBED_DIR" | sed 's/^/[verity] /' >&2
}

# Where the shared fixtures are, as the tests find them (tests/Verity.Testing/SharedFixtures.cs): VERITY_SHARED_FIXTURES
# when set (a missing folder means none), else shared/fixtures in the nearest folder above the checkout.
fixtures_root() {
  if [[ -n ${VERITY_SHARED_FIXTURES:-} ]]; then
    [[ -d $VERITY_SHARED_FIXTURES ]] && printf '%s\n' "$VERITY_SHARED_FIXTURES"
    return 0
  fi
  local dir=$VERITY_ROOT
  while [[ $dir != / ]]; do
    if [[ -d $dir/shared/fixtures ]]; then
      printf '%s\n' "$dir/shared/fixtures"
      return 0
    fi
    dir=$(dirname "$dir")
  done
}

fixtures_present() { [[ -n $(fixtures_root) ]]; }
