#!/usr/bin/env bash
# Fuzzes Verity's parsers with AFL++ and SharpFuzz (docs/fuzzing.md). Not part of scripts/test.sh, which runs a short
# in-process smoke run of every target instead (FuzzSmokeTests).
#
# usage: scripts/fuzz.sh TARGET[,TARGET…]|all SECONDS [--jobs N] [--execs N]     scripts/fuzz.sh list
#   Installs afl++ (Debian) and the sharpfuzz tool (.config/dotnet-tools.json) when missing, builds fuzz/Verity.Fuzz,
#   instruments Verity's assemblies (and YamlDotNet's) in a copy under artifacts/fuzz/bin, and runs afl-fuzz on each
#   target for SECONDS, starting from fuzz/corpus/TARGET with the dictionary fuzz/dictionaries/*.dict.
#   --jobs N runs N targets at once (one afl-fuzz each; default 1); --execs N stops a target after about N executions
#   (or SECONDS, whichever comes first). Findings: artifacts/fuzz/findings/TARGET/;
#   one summary line per target in artifacts/fuzz/summary.txt. Exits 1 if any target saved a crash or a hang.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# >= 1)) || die "usage: scripts/fuzz.sh TARGET|all SECONDS [--jobs N] [--execs N] (or: scripts/fuzz.sh list)"
target=$1
seconds=${2:-}
jobs=1
execs=()
shift $(($# >= 2 ? 2 : 1))
while (($#)); do
  case $1 in
    --jobs) jobs=$2; shift 2 ;;
    --execs) execs=(-E "$2"); shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done

require_dotnet
cd "$VERITY_ROOT"
out="$VERITY_ROOT/artifacts/fuzz"
bin="$out/bin"

if ! command -v afl-fuzz >/dev/null 2>&1; then
  say "installing afl++ (Debian package)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
say "restoring the sharpfuzz tool (.config/dotnet-tools.json)"
dotnet tool restore >/dev/null

say "building fuzz/Verity.Fuzz and instrumenting a copy in $bin"
plain="$out/plain"
rm -rf "$bin" "$plain"
mkdir -p "$out"
nice -n 10 dotnet publish fuzz/Verity.Fuzz/Verity.Fuzz.csproj -c Release -o "$plain" -nologo -v quiet -clp:ErrorsOnly >"$out/build.log" 2>&1 \
  || { cat "$out/build.log" >&2; die "the build failed (log: $out/build.log)"; }
# The plain copy lists targets and replays findings: instrumented code may only run under Fuzzer.Run.
dotnet "$plain/Verity.Fuzz.dll" list >"$out/targets.txt"
cp -r "$plain" "$bin"
# Only the code under test: Verity's assemblies and the YAML parser the configuration loader uses. The harness itself
# (Verity.Fuzz.dll) and SharpFuzz stay uninstrumented.
for assembly in Verity.Core.dll Verity.Validators.dll Verity.Registry.dll verity.dll YamlDotNet.dll; do
  dotnet sharpfuzz "$bin/$assembly" >/dev/null || die "sharpfuzz could not instrument $assembly"
done

mapfile -t targets < <(awk 'NF && substr($0, 1, 1) != " " {print $1}' "$out/targets.txt")
if [[ $target == list ]]; then
  cat "$out/targets.txt"
  exit 0
fi
[[ $seconds =~ ^[0-9]+$ ]] || die "SECONDS must be a number of seconds"
if [[ $target == all ]]; then
  selected=("${targets[@]}")
else
  IFS=, read -r -a selected <<<"$target"
  for name in "${selected[@]}"; do
    [[ " ${targets[*]} " == *" $name "* ]] || die "unknown target $name (targets: ${targets[*]})"
  done
fi

dictionary() { # the dictionary a target names (its "dictionary:" line in list)
  awk -v t="$1" '$1 == t {found=1} found && $1 == "dictionary:" {print $2; exit}' "$out/targets.txt"
}

fuzz_one() {
  local name=$1 findings="$out/findings/$1"
  rm -rf "$findings"
  mkdir -p "$findings"
  local dict
  dict="fuzz/dictionaries/$(dictionary "$name").dict"
  say "fuzzing $name for $seconds s (corpus fuzz/corpus/$name, dictionary $dict)"
  # -t 2000: an input that takes 2 s is a hang. No core dumps or CPU binding are asked of the machine (AFL_I_DONT_CARE_…,
  # AFL_NO_AFFINITY); dotnet is not an AFL binary (AFL_SKIP_BIN_CHECK), and its start takes longer than AFL's default wait.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_FORKSRV_INIT_TMOUT=60000 \
    nice -n 10 afl-fuzz -i "fuzz/corpus/$name" -o "$findings" -x "$dict" -t 2000 -m none -V "$seconds" "${execs[@]}" \
    -- dotnet "$bin/Verity.Fuzz.dll" afl "$name" >"$findings/afl.log" 2>&1 || true
  local stats="$findings/default/fuzzer_stats"
  if [[ ! -f $stats ]]; then
    tail -n 20 "$findings/afl.log" >&2
    echo "$name: afl-fuzz did not run (log: $findings/afl.log)" >>"$out/summary.txt"
    return 0
  fi
  stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
  local crashes hangs
  crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  local line
  line="$name: $(stat execs_done) executions in $(stat run_time) s ($(stat execs_per_sec) exec/s), $(stat corpus_count) paths, bitmap coverage $(stat bitmap_cvg), $crashes crashes, $hangs hangs"
  echo "$line" | tee -a "$out/summary.txt" >&2
  if ((crashes + hangs > 0)); then
    say "replay: dotnet $plain/Verity.Fuzz.dll replay $name $findings/default/crashes $findings/default/hangs"
  fi
}

: >"$out/summary.txt"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(afl-fuzz -h 2>&1 | head -n1 | sed 's/\x1b\[[0-9;]*m//g'), SharpFuzz $(sed -n 's/.*Include="SharpFuzz" Version="\([^"]*\)".*/\1/p' Directory.Packages.props), .NET $(dotnet --version)" >>"$out/summary.txt"
running=0
for name in "${selected[@]}"; do
  fuzz_one "$name" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
done
wait
cat "$out/summary.txt"
! grep -Eq ': .*([1-9][0-9]* crashes|[1-9][0-9]* hangs)|did not run' "$out/summary.txt"
