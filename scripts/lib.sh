# Shared by scripts/*.sh: locate the repository, check the .NET SDK, start the test harness.
# shellcheck shell=bash

VERITY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VERITY_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One test bed per checkout: its folder derives from the checkout's path and its ports are chosen free at start, so two
# checkouts on one machine do not share (or fight over) servers. Either can be set explicitly; up.sh names any port
# already in use.
checkout_hash=$(printf '%s' "$VERITY_ROOT" | cksum | awk '{print $1}')
export VERITY_TESTBED_DIR="${VERITY_TESTBED_DIR:-/tmp/verity-testbed-$(printf '%08x' "$checkout_hash")}"
# Whether nothing listens on 127.0.0.1 ports $1..$1+39 (a refused connection is answered at once on loopback).
port_range_free() {
  local p
  for ((p = $1; p < $1 + 40; p++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
  done
}
# Whether the test bed in $1 has a process running that up.sh started (down.sh's check: same PID and start time).
testbed_running() {
  local f pid
  for f in "$1"/run/*.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    [[ -n $pid && -d /proc/$pid && $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $20}') == "$(cat "${f%.pid}.start" 2>/dev/null)" ]] && return 0
  done
  return 1
}
# The ports of a running test bed are kept; otherwise the first range of 40 free ports from the one the checkout's path
# derives, so another checkout's test bed (or any other program) on that range does not stop this one.
choose_port_base() {
  if [[ -f $VERITY_TESTBED_DIR/.port_base ]] && testbed_running "$VERITY_TESTBED_DIR"; then
    cat "$VERITY_TESTBED_DIR/.port_base"
    return
  fi
  local first=$((checkout_hash % 300)) i base
  for ((i = 0; i < 300; i++)); do
    base=$((20000 + ((first + i) % 300) * 40))
    if port_range_free "$base"; then
      echo "$base"
      return
    fi
  done
  echo $((20000 + first * 40)) # none free: up.sh names the port in use
}
VERITY_TESTBED_PORT_BASE="${VERITY_TESTBED_PORT_BASE:-$(choose_port_base)}"
export VERITY_TESTBED_PORT_BASE
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
