#!/usr/bin/env bash
# Ingest benchmark: `otsensor replay` side by side with tshark (full dissection) and, when installed,
# Suricata, on the same capture and in the same session, each timed with /usr/bin/time -v.
#
# Usage: bench/ingest/run.sh [--runs N] [--file F]
#   --runs N   timed runs per tool (default 2, as in ../shared/design/dependencies-measured.md §3)
#   --file F   capture to ingest (default: bench/out/modbus-1500005.pcap, generated when missing)
#
# Prints a Markdown table plus pass/fail against the project targets, and writes all raw numbers to
# bench/out/ingest-<timestamp>.json (and the printed report to ingest-<timestamp>.md).
# It reads local files only and installs nothing. Exit status: 0 when every tool ran and the packet
# counts are right (even if a target is missed: this is a measurement, not a test), 1 otherwise.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"   # so that `node dist/cli.js` and relative paths mean the same thing on every machine

# The reference capture: generated deterministically by the shared generator; its hash and packet
# count are recorded in ../shared/design/dependencies-measured.md §3.1.
REF_SHA256=1532c23cc3c0efb6a834fe1621c2ea58921b606c7b69622461ef971cdc39bc78
REF_PACKETS=1500005
REF_FILE=bench/out/modbus-1500005.pcap
GENERATOR=${OTSENSOR_BENCH_GENERATOR:-../shared/bench/gen_modbus_pcap.py}
SURICATA_MODBUS_RULES=/etc/suricata/rules/modbus-events.rules

usage() { sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "$*" >&2; }   # progress goes to stderr; stdout carries only the report

RUNS=2
FILE=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) [ $# -ge 2 ] || die "--runs needs a number"; RUNS=$2; shift 2 ;;
    --file) [ $# -ge 2 ] || die "--file needs a path"; FILE=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs takes a whole number of at least 1, not '$RUNS'"

# ---- prerequisites (checked, never installed) -------------------------------------------------
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing; the shell builtin cannot report peak RSS"
for t in node tshark capinfos sha256sum; do
  command -v "$t" > /dev/null || die "$t is missing"
done
HAVE_SURICATA=no
if command -v suricata > /dev/null; then HAVE_SURICATA=yes; fi

# dist/ is the build under test. Build it only if it is absent: other people may be rebuilding it
# from work in progress, so the run records which build it measured (hash of dist/*.js, before and
# after) instead of silently replacing it.
if [ ! -f dist/cli.js ]; then
  say "dist/cli.js is missing: running npm run build"
  npm run build >&2
fi
dist_hash() { find dist -type f -name '*.js' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }

# ---- the capture ------------------------------------------------------------------------------
mkdir -p bench/out
if [ -z "$FILE" ]; then
  FILE=$REF_FILE
  if [ ! -f "$FILE" ]; then
    [ -f "$GENERATOR" ] || die "$FILE is missing and the generator $GENERATOR was not found"
    command -v python3 > /dev/null || die "python3 is needed to generate $FILE"
    say "generating $FILE with $GENERATOR (about 7-15 s)"
    # Write under a temporary name so that an interrupted run never leaves a truncated capture behind.
    python3 "$GENERATOR" "$FILE.partial" >&2
    mv "$FILE.partial" "$FILE"
  fi
fi
[ -f "$FILE" ] || die "capture not found: $FILE"

SHA256=$(sha256sum "$FILE" | cut -d' ' -f1)
if [ "$SHA256" = "$REF_SHA256" ]; then
  SHA_MATCH=yes
  PACKETS=$REF_PACKETS
  say "capture $FILE: sha256 matches the reference file ($REF_PACKETS packets)"
else
  SHA_MATCH=no
  # Not the reference file: rates are computed from this file's own packet count.
  PACKETS=$(capinfos -c -M "$FILE" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
  [[ $PACKETS =~ ^[0-9]+$ ]] || die "capinfos could not count the packets in $FILE"
  say "capture $FILE: sha256 $SHA256 does NOT match the reference $REF_SHA256; using its own count, $PACKETS packets"
fi

# ---- scratch space ----------------------------------------------------------------------------
# Data dirs and Suricata logs live here; Suricata's eve.json alone is 150-450 MB per run, so each
# run's logs are deleted as soon as they have been measured, and everything goes at exit.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/otsensor-ingest-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
{
  printf 'stamp\t%s\n' "$STAMP"
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'runs\t%s\n' "$RUNS"
  printf 'file\t%s\n' "$FILE"
  printf 'file_bytes\t%s\n' "$(stat -c %s "$FILE")"
  printf 'sha256\t%s\n' "$SHA256"
  printf 'ref_sha256\t%s\n' "$REF_SHA256"
  printf 'sha256_match\t%s\n' "$SHA_MATCH"
  printf 'packets\t%s\n' "$PACKETS"
  printf 'ref_packets\t%s\n' "$REF_PACKETS"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'tshark_version\t%s\n' "$(tshark --version 2> /dev/null | head -n1)"
  printf 'suricata_version\t%s\n' "$([ $HAVE_SURICATA = yes ] && suricata -V | head -n1 || echo 'not installed')"
  printf 'otsensor_version\t%s\n' "$(node dist/cli.js --version)"
  printf 'git_head\t%s\n' "$(git rev-parse HEAD 2> /dev/null || echo unknown)"
  # Uncommitted changes in src/ mean dist/ may not correspond to git_head.
  printf 'src_uncommitted_files\t%s\n' "$(git status --porcelain -- src 2> /dev/null | wc -l)"
  printf 'src_newer_than_dist\t%s\n' "$(find src -type f -newer dist/cli.js | wc -l)"
  printf 'dist_hash_before\t%s\n' "$(dist_hash)"
} > "$WORK/meta.tsv"

# ---- warm-up ----------------------------------------------------------------------------------
# Timings are for a warm page cache, as in the earlier peer measurements: read the capture once and
# load every tool's executable and libraries once, untimed.
say "warming the page cache"
cat "$FILE" > /dev/null
node dist/cli.js --version > /dev/null
tshark --version > /dev/null 2>&1   # tshark warns on stderr when run as root; not news here
if [ $HAVE_SURICATA = yes ]; then suricata -V > /dev/null; fi

# ---- measurement ------------------------------------------------------------------------------
# measure TOOL RUN COMMAND...: run one command under /usr/bin/time -v and keep everything the
# summary needs in $WORK/TOOL.RUN/. A failing command is recorded, not fatal, so the other tools
# still get measured and the report says what failed.
measure() {
  local tool=$1 run=$2; shift 2
  local dir=$WORK/runs/$tool.$run
  mkdir -p "$dir"
  printf '%s\0' "$@" > "$dir/argv"
  # Other work on the machine skews timings. CPU jiffies for the whole machine before and after,
  # minus the command's own user+sys time, show how much CPU something else used meanwhile.
  head -n1 /proc/stat > "$dir/stat_before"
  local rc=0
  /usr/bin/time -v -o "$dir/time" "$@" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  head -n1 /proc/stat > "$dir/stat_after"
  echo "$rc" > "$dir/rc"
  local wall
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$dir/time" 2> /dev/null || true)
  say "  run $run/$RUNS  $(printf '%-17s' "$tool") wall ${wall:-?}  exit $rc"
}

# The commands. Each gets a fresh output directory, so no run benefits from an earlier one's state.
run_otsensor() {
  local scratch=$1 run=$2
  mkdir -p "$scratch/data"
  measure otsensor "$run" node dist/cli.js replay --data-dir "$scratch/data" --json "$FILE"
}
run_tshark() {
  local run=$1
  # -z conv,ip forces full dissection of every frame. `tshark -r F -q` alone reads without
  # dissecting (well under a second on the reference file) and is not a comparable anchor.
  measure tshark "$run" tshark -r "$FILE" -q -z conv,ip
}
run_suricata() {
  local scratch=$1 run=$2 variant=$3; shift 3
  mkdir -p "$scratch/logs"
  # -k none: do not drop packets over checksums (the reference file's are valid anyway), as for any
  # capture whose checksums may have been offloaded.
  measure "$variant" "$run" suricata -r "$FILE" -l "$scratch/logs" -k none "$@"
  # eve.json size says how much work Suricata's logging did; keep the number, drop the file.
  stat -c %s "$scratch/logs/eve.json" > "$WORK/runs/$variant.$run/eve_bytes" 2> /dev/null || true
  rm -rf "$scratch/logs"
}

say "measuring $RUNS run(s) per tool on $FILE (tools interleaved within each run)"
for run in $(seq 1 "$RUNS"); do
  run_otsensor "$WORK/scratch/otsensor.$run" "$run"
  run_tshark "$run"
  if [ $HAVE_SURICATA = yes ]; then
    # Default suricata.yaml: Modbus parsing is disabled there and no rules are shipped.
    run_suricata "$WORK/scratch/suricata.$run" "$run" suricata_default
    # The Modbus-enabled variant from dependencies-measured.md §3.2, when its rules file exists.
    if [ -f "$SURICATA_MODBUS_RULES" ]; then
      run_suricata "$WORK/scratch/suricata_modbus.$run" "$run" suricata_modbus \
        --set app-layer.protocols.modbus.enabled=yes -S "$SURICATA_MODBUS_RULES"
    fi
  fi
  rm -rf "$WORK/scratch"   # the otsensor data dir holds a SQLite file per run; not needed afterwards
done
[ $HAVE_SURICATA = yes ] || say "suricata: not installed (skipped)"

printf 'dist_hash_after\t%s\n' "$(dist_hash)" >> "$WORK/meta.tsv"
printf 'have_suricata\t%s\n' "$HAVE_SURICATA" >> "$WORK/meta.tsv"

# ---- summary ----------------------------------------------------------------------------------
# Parsing /usr/bin/time output and the tools' own reports is easier and safer in JS than in awk.
status=0
node bench/ingest/summarize.mjs "$WORK" "bench/out/ingest-$STAMP" || status=$?
exit $status
