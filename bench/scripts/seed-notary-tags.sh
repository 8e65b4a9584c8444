#!/usr/bin/env bash
# Signs N tags (t00000 … t<N-1>) in one new Notary collection of the test bed, cheaply: N staged changes written
# straight into the notary client's changelist, then one `notary publish` (one signature per role, not per tag).
# The tags name made-up manifest digests: notaryv1 never asks the registry, so no image has to exist.
# Idempotent: does nothing when the collection's root.json is already served with at least N targets.
#
# usage: bench/scripts/seed-notary-tags.sh [TESTBED_ENV] [N] [REPOSITORY]   (default /tmp/verity-testbed/testbed.env 10000 bench/many)
# Works on a copy of the test bed's notary trust directory (keys included), so the bed's own client state is untouched.
set -euo pipefail
env_file=${1:-/tmp/verity-testbed/testbed.env}
count=${2:-10000}
repository=${3:-bench/many}
# shellcheck disable=SC1090
source "$env_file"
export NOTARY_ROOT_PASSPHRASE NOTARY_TARGETS_PASSPHRASE NOTARY_SNAPSHOT_PASSPHRASE NOTARY_DELEGATION_PASSPHRASE
gun="$TESTBED_REGISTRY/$repository"
work="$TESTBED_WORK_DIR/bench-notary"

served=$(curl -sf --cacert "$TESTBED_CA_CERT" "$TESTBED_NOTARY_URL/v2/$gun/_trust/tuf/targets.json" | jq '.signed.targets | length' 2>/dev/null || echo 0)
if (( served >= count )); then
  echo "seed-notary-tags: $gun already has $served signed tags" >&2
  exit 0
fi

rm -rf "$work"
mkdir -p "$work"
cp -r "$TESTBED_NOTARY_TRUST_DIR" "$work/trust"
rm -rf "$work/trust/tuf"
printf '{"trust_dir":"%s","remote_server":{"url":"%s","root_ca":"%s"}}\n' "$work/trust" "$TESTBED_NOTARY_URL" "$TESTBED_CA_CERT" >"$work/client.json"
notary -c "$work/client.json" init "$gun" >/dev/null
changelist="$work/trust/tuf/$gun/changelist"
mkdir -p "$changelist"
python3 - "$changelist" "$count" <<'PY'
import base64, hashlib, json, os, sys, time, uuid
folder, count = sys.argv[1], int(sys.argv[2])
start = time.time_ns()
for i in range(count):
    tag = f"t{i:05d}"
    meta = {"length": 1000 + i, "hashes": {"sha256": base64.b64encode(hashlib.sha256(tag.encode()).digest()).decode()}}
    change = {"action": "create", "role": "targets", "type": "target", "path": tag,
              "data": base64.b64encode(json.dumps(meta, separators=(",", ":")).encode()).decode()}
    with open(os.path.join(folder, f"{start + i:020d}_{uuid.uuid4()}.change"), "w") as f:
        json.dump(change, f)
PY
notary -c "$work/client.json" publish "$gun" >/dev/null
served=$(curl -sf --cacert "$TESTBED_CA_CERT" "$TESTBED_NOTARY_URL/v2/$gun/_trust/tuf/targets.json" | jq '.signed.targets | length')
echo "seed-notary-tags: $gun has $served signed tags" >&2
