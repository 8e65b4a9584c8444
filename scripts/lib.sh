# Shared by scripts/*.sh: locate the repository, check the .NET SDK, start the test harness.
# shellcheck shell=bash

VERITY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VERITY_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export VERITY_TESTBED_DIR="${VERITY_TESTBED_DIR:-/tmp/verity-testbed}"
export VERITY_TESTBED_PORT_BASE="${VERITY_TESTBED_PORT_BASE:-25000}"
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
  "$up" "$VERITY_TESTBED_DIR" "$VERITY_TESTBED_PORT_BASE" >&2
}
