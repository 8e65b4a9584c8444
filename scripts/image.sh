#!/usr/bin/env bash
# Builds Verity's OCI image without a container engine, as tests/harness/up.sh builds its test images: dotnet publish
# (Native AOT: one self-contained executable), a root filesystem with the shared libraries .NET needs (copied from this Debian host, the
# role build/Dockerfile gives the chiseled runtime-deps image), umoci for the layout and the image configuration, and
# skopeo to push it to the test harness's registry.
#
# usage: scripts/image.sh [--publish-dir DIR] [--layout DIR] [--tag TAG] [--no-push]
#   --publish-dir DIR  use an existing "dotnet publish" output instead of publishing (must contain the verity executable)
#   --layout DIR       where the OCI layout is written (default: $VERITY_TESTBED_DIR/images/verity-oci or /tmp/verity-image/oci)
#   --tag TAG          image tag (default: v + the chart's appVersion)
#   --no-push          only build the layout
# The registry comes from the harness: $VERITY_TESTBED (testbed.json or its folder, default /tmp/verity-testbed).
# Prints the pushed reference (REGISTRY/verity:TAG@sha256:...) or the layout path. Installs umoci/skopeo when missing (root).
# shellcheck source-path=SCRIPTDIR
set -eEuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PUBLISH=""; LAYOUT=""; TAG=""; PUSH=1
while (($#)); do
  case $1 in
    --publish-dir) PUBLISH=$2; shift 2 ;;
    --layout) LAYOUT=$2; shift 2 ;;
    --tag) TAG=$2; shift 2 ;;
    --no-push) PUSH=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "image.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] ERROR: %s\n' "$*" >&2; exit 1; }

need=()
command -v umoci >/dev/null 2>&1 || need+=(umoci)
((PUSH)) && ! command -v skopeo >/dev/null 2>&1 && need+=(skopeo)
command -v jq >/dev/null 2>&1 || need+=(jq)
# Native AOT links with the C toolchain and zlib (unless an existing publish folder is given).
if [[ -z $PUBLISH ]]; then
  command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc)
  [[ -e /usr/include/zlib.h ]] || need+=(zlib1g-dev)
fi
if ((${#need[@]})); then
  [[ $(id -u) == 0 ]] || die "missing Debian packages (${need[*]}) and not root: apt-get install ${need[*]}"
  say "installing Debian packages: ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
    die "apt-get install ${need[*]} failed"
fi

VERSION=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$ROOT/charts/verity/Chart.yaml")
TAG=${TAG:-v$VERSION}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/verity-image.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [[ -z $LAYOUT ]]; then
  if [[ -n ${VERITY_TESTBED_DIR:-} ]]; then LAYOUT="$VERITY_TESTBED_DIR/images/verity-oci"; else LAYOUT=/tmp/verity-image/oci; fi
fi

case $(uname -m) in x86_64) RID=linux-x64; ARCH=amd64 ;; aarch64) RID=linux-arm64; ARCH=arm64 ;; *) die "unsupported machine $(uname -m)" ;; esac
if [[ -z $PUBLISH ]]; then
  PUBLISH="$WORK/publish"
  say "dotnet publish src/Verity ($RID, Native AOT)"
  dotnet publish "$ROOT/src/Verity/Verity.csproj" -c Release -r "$RID" -p:DebugType=none -p:StripSymbols=true \
    -o "$PUBLISH" -nologo -v quiet >&2
fi
[[ -f $PUBLISH/verity ]] || die "$PUBLISH has no verity executable"

say "building $LAYOUT:$TAG with umoci"
rm -rf "$LAYOUT"; mkdir -p "$(dirname "$LAYOUT")"
umoci init --layout "$LAYOUT" >/dev/null
umoci new --image "$LAYOUT:$TAG" >/dev/null
BUNDLE="$WORK/bundle"
umoci unpack --rootless --image "$LAYOUT:$TAG" "$BUNDLE" >/dev/null 2>&1
RFS="$BUNDLE/rootfs"
mkdir -p "$RFS/app" "$RFS/tmp" "$RFS/etc/ssl/certs"
chmod 1777 "$RFS/tmp"
cp -a "$PUBLISH/." "$RFS/app/"
chmod 0755 "$RFS/app/verity"
# What runtime-deps provides: glibc, libstdc++, OpenSSL, zlib and the CA bundle; nothing else (no shell).
for soname in ld-linux-x86-64.so.2 ld-linux-aarch64.so.1 libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 \
  libstdc++.so.6 libgcc_s.so.1 libssl.so.3 libcrypto.so.3 libz.so.1; do
  path=$(ldconfig -p | awk -v n="$soname" '$1 == n && /x86-64|AArch64|aarch64/ {print $NF; exit}')
  [[ -n $path ]] || continue
  mkdir -p "$RFS$(dirname "$path")"
  cp -L "$path" "$RFS$path"
done
if [[ -e /lib64/ld-linux-x86-64.so.2 ]]; then mkdir -p "$RFS/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$RFS/lib64/"; fi
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp -L /etc/ssl/certs/ca-certificates.crt "$RFS/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nverity:x:10001:20001:verity:/app:/sbin/nologin\n' >"$RFS/etc/passwd"
printf 'root:x:0:\nverity:x:20001:\n' >"$RFS/etc/group"
umoci repack --image "$LAYOUT:$TAG" "$BUNDLE" >/dev/null
umoci config --image "$LAYOUT:$TAG" --architecture "$ARCH" --os linux \
  --config.user 10001:20001 --config.workingdir /app --config.exposedports 5000/tcp \
  --config.entrypoint /app/verity \
  --config.cmd serve --config.cmd --config --config.cmd /app/config/config.yaml --config.cmd --urls --config.cmd https://0.0.0.0:5000 \
  --config.cmd --tls-cert --config.cmd /app/certs/tls.crt --config.cmd --tls-key --config.cmd /app/certs/tls.key \
  --config.label org.opencontainers.image.title=verity \
  --config.label "org.opencontainers.image.description=Kubernetes admission controller that admits only container images with valid signatures" \
  --config.label org.opencontainers.image.source=https://github.com/verity-dev/verity \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label org.opencontainers.image.licenses=Apache-2.0 >/dev/null
umoci gc --layout "$LAYOUT" >/dev/null

if ((!PUSH)); then
  echo "$LAYOUT:$TAG"
  exit 0
fi

TB=${VERITY_TESTBED:-/tmp/verity-testbed}
[[ -d $TB ]] && TB="$TB/testbed.json"
[[ -f $TB ]] || die "no harness at $TB (start tests/harness/up.sh, or set VERITY_TESTBED; --no-push builds the layout only)"
REGISTRY=$(jq -r '.TESTBED_REGISTRY' "$TB")
CA=$(jq -r '.TESTBED_CA_CERT' "$TB")
mkdir -p "$WORK/certs.d"; cp "$CA" "$WORK/certs.d/ca.crt"
say "pushing to $REGISTRY/verity:$TAG"
skopeo --command-timeout 120s copy -q --dest-cert-dir "$WORK/certs.d" "oci:$LAYOUT:$TAG" "docker://$REGISTRY/verity:$TAG" >&2
DIGEST=$(skopeo --command-timeout 60s inspect --cert-dir "$WORK/certs.d" --format '{{.Digest}}' "docker://$REGISTRY/verity:$TAG")
echo "$REGISTRY/verity:$TAG@$DIGEST"
