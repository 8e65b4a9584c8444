#!/usr/bin/env bash
# Runs the README's quick start as someone on the internet would: in a fresh clone of this checkout's HEAD with no
# ../shared beside it (and none above it), "scripts/test.sh" must pass with fixture tests skipped and counted,
# and "scripts/demo.sh" must run. Reuses this checkout's test bed (VERITY_TESTBED_DIR/PORT_BASE) to stay fast.
# Prints one line: "quickstart: passed" or "quickstart: failed: <why>"; exit 0 or 1.
#
# usage: scripts/quickstart-check.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fail() { echo "quickstart: failed: $*"; exit 1; }

work=$(mktemp -d /tmp/verity-quickstart-XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
clone="$work/verity"
git clone --quiet "$VERITY_ROOT" "$clone" || fail "git clone of $VERITY_ROOT"
[[ ! -e $work/shared && ! -e /tmp/shared/fixtures && ! -e /shared/fixtures ]] || fail "a shared/fixtures folder is visible from $clone"

log="$work/test.log"
say "quick start in $clone: scripts/test.sh (no ../shared)"
status=0
(cd "$clone" && env -u VERITY_SHARED_FIXTURES \
  VERITY_TESTBED_DIR="$VERITY_TESTBED_DIR" VERITY_TESTBED_PORT_BASE="$VERITY_TESTBED_PORT_BASE" \
  timeout 1800 scripts/test.sh >"$log" 2>&1) || status=$?
last=$(tail -n 1 "$log")
cp "$log" "$VERITY_ROOT/artifacts/quickstart-test.log" 2>/dev/null || true
failed_tests=$(grep -E '^\s*failed ' "$log" | sed -E 's/^\s*failed //' | head -n 5 | tr '\n' ';' || true)
[[ $status == 0 ]] || fail "scripts/test.sh exited with $status; last line: $last; failed: ${failed_tests:-?} (log: artifacts/quickstart-test.log)"
[[ $last =~ ^([0-9]+)\ passed,\ 0\ failed,\ ([0-9]+)\ skipped$ ]] || fail "closing line is \"$last\""
((BASH_REMATCH[2] > 0)) || fail "no test was skipped without ../shared (closing line \"$last\")"
grep -q 'real cosign/notation fixtures not present' "$log" || fail "the skip reason was not reported"

say "quick start in $clone: scripts/demo.sh"
(cd "$clone" && env -u VERITY_SHARED_FIXTURES VERITY_TESTBED_DIR="$VERITY_TESTBED_DIR" VERITY_TESTBED_PORT_BASE="$VERITY_TESTBED_PORT_BASE" \
  timeout 600 scripts/demo.sh >"$work/demo.log" 2>&1) || fail "scripts/demo.sh failed (tail: $(tail -n 3 "$work/demo.log" | tr '\n' ' '))"
echo "quickstart: passed ($last)"
