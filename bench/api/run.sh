#!/usr/bin/env bash
# API latency benchmark (issue 5): otsensor's /api/v1/devices and /api/v1/devices/connections with a
# 10,000-device, 200,000-connection inventory under 16 concurrent clients (wrk, or autocannon when
# wrk is not installed; a separate process), side by side with nginx serving the same connections bytes as a static file, then
# /api/v1/devices again while an ingest-like flush writes every 2 s.
#
# Usage: bench/api/run.sh [--runs N] [--duration S] [--clients C] [--writer-duration S]
#   --runs N             interleaved rounds of the load runs (default 3)
#   --duration S         seconds per load run (default 10)
#   --clients C          concurrent connections of the load tool (default 16)
#   --tool wrk|autocannon  the load tool (default: wrk if installed, else autocannon)
#   --writer-duration S  seconds of each flush phase (default 20, i.e. 10 flushes)
#   --devices N --connections N   inventory size (default 10000 and 200000; targets are for those)
#
# Prints a Markdown report with the targets PASS/FAIL and writes every raw number to
# bench/out/api-<timestamp>.json (and the printed report to api-<timestamp>.md). Installs nothing: it
# says what is missing (wrk: `apt-get install -y wrk`, else autocannon: `npm install`; nginx:
# `apt-get install -y nginx`, optional). Use wrk where it can be had: on 2 cores autocannon (Node)
# tops out near 400 MB/s and becomes the limit for 4 MB bodies (see README).
# Exit status: 0 when everything ran and every response was right (even if a target is missed: this is
# a measurement, not a test), 1 otherwise.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"

usage() { sed -n '7,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "$*" >&2; }   # progress goes to stderr; stdout carries only the report

RUNS=3 DURATION=10 CLIENTS=16 WRITER_DURATION=20 DEVICES=10000 CONNECTIONS=200000 SEED=5 TOOL=
while [ $# -gt 0 ]; do
  case $1 in
    --tool) [ $# -ge 2 ] && [[ $2 =~ ^(wrk|autocannon)$ ]] || die "--tool takes wrk or autocannon"; TOOL=$2; shift 2 ;;
    --runs|--duration|--clients|--writer-duration|--devices|--connections)
      [ $# -ge 2 ] || die "$1 needs a number"
      [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 takes a whole number of at least 1, not '$2'"
      case $1 in
        --runs) RUNS=$2 ;; --duration) DURATION=$2 ;; --clients) CLIENTS=$2 ;;
        --writer-duration) WRITER_DURATION=$2 ;; --devices) DEVICES=$2 ;; --connections) CONNECTIONS=$2 ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# ---- prerequisites (checked, never installed) -------------------------------------------------
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"
for t in node curl sha256sum; do command -v "$t" > /dev/null || die "$t is missing"; done
AUTOCANNON=node_modules/.bin/autocannon
if [ -z "$TOOL" ]; then if command -v wrk > /dev/null; then TOOL=wrk; else TOOL=autocannon; say "wrk: not installed, using autocannon (apt-get install -y wrk for a load tool that is not the limit)"; fi; fi
if [ "$TOOL" = wrk ]; then command -v wrk > /dev/null || die "wrk is missing: apt-get install -y wrk"
else [ -x "$AUTOCANNON" ] || die "autocannon is missing: it is a devDependency, run 'npm install' (or 'npm install --save-dev autocannon')"; fi
HAVE_NGINX=no
if command -v nginx > /dev/null; then HAVE_NGINX=yes; else
  say "nginx: not installed; the comparison with a static file is skipped. Install it with: apt-get install -y nginx"
fi
# dist/ is the build under test; build it only if absent (others may be rebuilding it from work in
# progress, so the run records a hash of dist/*.js before and after instead).
if [ ! -f dist/cli.js ]; then say "dist/cli.js is missing: running npm run build"; npm run build >&2; fi
[ -f dist/store/inventory-store.js ] || die "dist/ has no inventory store: it predates issue 5; run npm run build"
dist_hash() { find dist -type f -name '*.js' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }

# ---- scratch space and the processes this script starts -------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/otsensor-api-bench.XXXXXX")
chmod 711 "$WORK"   # nginx workers run as an unprivileged user when started as root: let them reach www/
PIDS=()
stop_pid() {   # stop_pid PID: SIGTERM, up to 10 s to exit, then SIGKILL; only PIDs this script started
  local pid=$1 i
  kill -0 "$pid" 2> /dev/null || return 0
  kill -TERM "$pid" 2> /dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2> /dev/null && kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_http() {   # wait_http URL PID: until URL answers (any status), or PID died, or 60 s
  local url=$1 pid=$2 i
  for i in $(seq 1 600); do
    kill -0 "$pid" 2> /dev/null || return 1
    curl -s -o /dev/null "$url" && return 0
    sleep 0.1
  done
  return 1
}
wait_line() {   # wait_line FILE PATTERN PID: until FILE has a line matching PATTERN (180 s at most)
  local i
  for i in $(seq 1 1800); do
    grep -q "$2" "$1" 2> /dev/null && return 0
    kill -0 "$3" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}
cpu_ticks() {   # cpu_ticks PID...: utime+stime of these processes, in clock ticks
  local pid sum=0 f
  for pid in "$@"; do
    f=$(cut -d')' -f2- "/proc/$pid/stat" 2> /dev/null) || continue
    sum=$((sum + $(echo "$f" | awk '{ print $12 + $13 }')))
  done
  echo "$sum"
}
now_ms() { date +%s%3N; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
{
  printf 'stamp\t%s\n' "$STAMP"
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'runs\t%s\nduration\t%s\nclients\t%s\nwriter_duration\t%s\n' "$RUNS" "$DURATION" "$CLIENTS" "$WRITER_DURATION"
  printf 'devices\t%s\nconnections\t%s\nseed\t%s\n' "$DEVICES" "$CONNECTIONS" "$SEED"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu_model\t%s\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  printf 'mem_total_kib\t%s\n' "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
  printf 'os\t%s\n' "$( (. /etc/os-release && echo "$PRETTY_NAME") 2> /dev/null || uname -s)"
  printf 'kernel\t%s\n' "$(uname -r)"
  printf 'node_version\t%s\n' "$(node --version)"
  printf 'autocannon_version\t%s\n' "$(node -p "require('./node_modules/autocannon/package.json').version" 2>/dev/null || echo none)"
  printf 'load_tool\t%s\n' "$TOOL"
  printf 'wrk_version\t%s\n' "$(wrk --version 2>&1 | head -1 || echo none)"
  printf 'better_sqlite3_version\t%s\n' "$(node -p "require('./node_modules/better-sqlite3/package.json').version")"
  printf 'sqlite_version\t%s\n' "$(node -e "const D=require('better-sqlite3');console.log(new D(':memory:').prepare('select sqlite_version()').pluck().get())")"
  printf 'nginx_version\t%s\n' "$([ $HAVE_NGINX = yes ] && nginx -v 2>&1 | sed 's|^nginx version: nginx/||' || echo 'not installed')"
  printf 'curl_version\t%s\n' "$(curl --version | head -n1 | cut -d' ' -f1-2)"
  printf 'otsensor_version\t%s\n' "$(node dist/cli.js --version)"
  printf 'git_head\t%s\n' "$(git rev-parse --short HEAD 2> /dev/null || echo unknown)"
  printf 'src_uncommitted_files\t%s\n' "$(git status --porcelain -- src 2> /dev/null | wc -l)"
  printf 'src_newer_than_dist\t%s\n' "$(find src -type f -newer dist/cli.js | wc -l)"
  printf 'dist_hash_before\t%s\n' "$(dist_hash)"
  printf 'have_nginx\t%s\n' "$HAVE_NGINX"
  printf 'clk_tck\t%s\n' "$(getconf CLK_TCK)"
} > "$WORK/meta.tsv"

# ---- the inventory and a token ------------------------------------------------------------------
DATA=$WORK/data
say "loading $DEVICES devices and $CONNECTIONS connections into a fresh data dir"
node bench/api/load-inventory.mjs --data-dir "$DATA" --devices "$DEVICES" --connections "$CONNECTIONS" --seed "$SEED" > "$WORK/load.json"
node dist/cli.js token create --data-dir "$DATA" --description bench > "$WORK/token" 2> "$WORK/token.stderr" \
  || die "token create failed: $(cat "$WORK/token.stderr")"
TOKEN=$(head -n1 "$WORK/token")
[ -n "$TOKEN" ] || die "token create printed no token"
AUTH="Authorization: $TOKEN"

# ---- otsensor -----------------------------------------------------------------------------------
# Plain HTTP on loopback for both otsensor and nginx, so that TLS costs do not enter the comparison.
# Its request log (one JSON line per request) goes to a file, as under systemd it goes to the journal.
start_otsensor() {
  OTS_PORT=$(free_port)
  node dist/cli.js run --data-dir "$DATA" --no-demo --no-https --http-listen "127.0.0.1:$OTS_PORT" >> "$WORK/otsensor.log" 2>&1 &
  OTS_PID=$!
  PIDS+=("$OTS_PID")
  wait_http "http://127.0.0.1:$OTS_PORT/healthz" "$OTS_PID" || die "otsensor did not start: $(tail -n 5 "$WORK/otsensor.log")"
}
say "starting otsensor (plain HTTP on 127.0.0.1)"
start_otsensor
OTS=http://127.0.0.1:$OTS_PORT
mkdir -p "$WORK/single" "$WORK/www"
chmod 755 "$WORK/www"

# single NAME URL OUT: one request with curl, timed (connect, first byte, total, size); OUT keeps the body.
single() {
  local name=$1 url=$2 out=$3
  curl -s -o "$out" -H "$AUTH" -w '%{http_code}\t%{time_connect}\t%{time_starttransfer}\t%{time_total}\t%{size_download}\n' "$url" \
    > "$WORK/single/$name.tsv"
}
# Cold: the first request to each endpoint after start, which reads the rows and builds the body
# (the API keeps one body per inventory version); warm: the same request again, served from that cache.
say "first (cold) and second (warm) single requests"
single devices_cold "$OTS/api/v1/devices" "$WORK/www/devices.json"
single connections_cold "$OTS/api/v1/devices/connections" "$WORK/www/connections.json"
single devices_warm "$OTS/api/v1/devices" /dev/null
single connections_warm "$OTS/api/v1/devices/connections" /dev/null
chmod 644 "$WORK/www/connections.json" "$WORK/www/devices.json"
node -e "
const fs = require('fs');
const d = JSON.parse(fs.readFileSync(process.argv[1], 'utf8')), c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
console.log(['devices_count', d.length].join('\t')); console.log(['connections_count', c.length].join('\t'));
" "$WORK/www/devices.json" "$WORK/www/connections.json" > "$WORK/counts.tsv" || die "otsensor's answers are not JSON arrays"
printf 'connections_sha256\t%s\n' "$(sha256sum < "$WORK/www/connections.json" | cut -d' ' -f1)" >> "$WORK/counts.tsv"

# ---- nginx --------------------------------------------------------------------------------------
# Two foreground nginx masters owned by this script: worker_processes 1 (otsensor is one process)
# and auto (one worker per core). Each serves www/connections.json and www/devices.json, the bytes
# otsensor returned: the connections file is the issue's reference, the devices file shows what a
# static server reaches with the same 4 MB body and the same client (is the p99 target reachable here?).
NGINX_VARIANTS=()
start_nginx() {
  local variant=$1 workers=$2 dir=$WORK/nginx-$1 port
  port=$(free_port)
  mkdir -p "$dir/tmp"
  cat > "$dir/nginx.conf" << EOF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  types { }
  default_type application/json;
  charset utf-8;
  charset_types application/json;
  access_log $dir/access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 100000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $WORK/www;
    location / { }
  }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' > "$dir/stdout" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port/connections.json" "$pid" || die "nginx ($variant) did not start: $(cat "$dir/stdout" "$dir/error.log" 2> /dev/null | tail -n 5)"
  eval "NGINX_PORT_$variant=$port NGINX_PID_$variant=$pid"
  NGINX_VARIANTS+=("$variant")
  printf 'nginx_%s_workers\t%s\n' "$variant" "$(pgrep -P "$pid" | wc -l)" >> "$WORK/meta.tsv"
}
if [ $HAVE_NGINX = yes ]; then
  say "starting nginx (worker_processes 1 and auto)"
  start_nginx nginx1 1
  start_nginx nginxauto auto
  for v in "${NGINX_VARIANTS[@]}"; do
    port_var=NGINX_PORT_$v
    single "${v}_cold" "http://127.0.0.1:${!port_var}/connections.json" "$WORK/$v.body"
    cmp -s "$WORK/$v.body" "$WORK/www/connections.json" && same=yes || same=no
    printf '%s_same_bytes\t%s\n' "$v" "$same" >> "$WORK/counts.tsv"
    rm -f "$WORK/$v.body"
  done
  single nginx1dev_cold "http://127.0.0.1:$NGINX_PORT_nginx1/devices.json" "$WORK/nginx1dev.body"
  cmp -s "$WORK/nginx1dev.body" "$WORK/www/devices.json" && same=yes || same=no
  printf 'nginx1dev_same_bytes\t%s\n' "$same" >> "$WORK/counts.tsv"
  rm -f "$WORK/nginx1dev.body"
fi

# ---- load runs ----------------------------------------------------------------------------------
# target_url ID / target_pids ID: what each target is and which processes serve it (for CPU time).
target_url() {
  case $1 in
    devices|writer3|inproc) echo "$OTS/api/v1/devices" ;;
    connections) echo "$OTS/api/v1/devices/connections" ;;
    nginx1dev) echo "http://127.0.0.1:$NGINX_PORT_nginx1/devices.json" ;;
    nginx*) local p=NGINX_PORT_$1; echo "http://127.0.0.1:${!p}/connections.json" ;;
  esac
}
target_pids() {
  case $1 in
    nginx1dev) echo "$NGINX_PID_nginx1 $(pgrep -P "$NGINX_PID_nginx1" | tr '\n' ' ')" ;;
    nginx*) local p=NGINX_PID_$1; echo "${!p} $(pgrep -P "${!p}" | tr '\n' ' ')" ;;
    *) echo "$OTS_PID" ;;
  esac
}
# measure ID RUN SECONDS [WRITER_PID]: one autocannon run in its own process, under /usr/bin/time -v.
# Every target gets the same token header (nginx ignores it) so requests are the same size. The CPU
# time of the serving processes (and of a flush writer in a third process) is recorded too.
measure() {
  local id=$1 run=$2 secs=$3 writer=${4:-} dir=$WORK/runs/$1.$2 pids rc=0
  mkdir -p "$dir"
  pids=$(target_pids "$id")
  # A full dump takes seconds under 16 clients: a 60 s timeout, so slowness is measured, not cut off.
  local argv
  if [ "$TOOL" = wrk ]; then
    argv=(wrk -t 2 -c "$CLIENTS" -d "${secs}s" --timeout 60s -s bench/api/wrk-json.lua -H "$AUTH" "$(target_url "$id")")
  else
    argv=("$AUTOCANNON" -c "$CLIENTS" -d "$secs" -t 60 -j -H "$AUTH" "$(target_url "$id")")
  fi
  printf '%s\0' "${argv[@]/"$TOKEN"/<token>}" > "$dir/argv"   # the token stays out of the report
  head -n1 /proc/stat > "$dir/stat_before"
  cpu_ticks $pids > "$dir/server_ticks_before"
  if [ -n "$writer" ]; then cpu_ticks "$writer" > "$dir/writer_ticks_before"; fi
  now_ms > "$dir/start_ms"
  if [ "$TOOL" = wrk ]; then
    WRK_JSON=$dir/out.json /usr/bin/time -v -o "$dir/time" "${argv[@]}" > "$dir/wrk.txt" 2> "$dir/stderr" || rc=$?
  else
    /usr/bin/time -v -o "$dir/time" "${argv[@]}" > "$dir/out.json" 2> "$dir/stderr" || rc=$?
  fi
  now_ms > "$dir/end_ms"
  cpu_ticks $pids > "$dir/server_ticks_after"
  if [ -n "$writer" ]; then cpu_ticks "$writer" > "$dir/writer_ticks_after"; fi
  head -n1 /proc/stat > "$dir/stat_after"
  echo "$rc" > "$dir/rc"
  say "  $(printf '%-12s' "$id") run $run: $(node -e "
    try { const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
      console.log(r.requests.total + ' requests, p99 ' + r.latency.p99 + ' ms, max ' + r.latency.max + ' ms, errors ' + r.errors + ', non-2xx ' + r.non2xx);
    } catch { console.log('no result (exit $rc)'); }" "$dir/out.json")"
}

TARGETS=(devices connections)
[ $HAVE_NGINX = yes ] && TARGETS+=("${NGINX_VARIANTS[@]}" nginx1dev)
say "warm-up: 2 s per target, untimed"
for t in "${TARGETS[@]}"; do
  if [ "$TOOL" = wrk ]; then wrk -t 2 -c "$CLIENTS" -d 2s --timeout 60s -H "$AUTH" "$(target_url "$t")" > /dev/null 2>&1 || true
  else "$AUTOCANNON" -c "$CLIENTS" -d 2 -t 60 -j -H "$AUTH" "$(target_url "$t")" > /dev/null 2>&1 || true; fi
done
say "measuring $RUNS round(s) of ${TARGETS[*]}, ${DURATION} s each, $CLIENTS clients"
for run in $(seq 1 "$RUNS"); do
  for t in "${TARGETS[@]}"; do measure "$t" "$run" "$DURATION"; done
done

# ---- flush phases -------------------------------------------------------------------------------
WRITER_ARGS=(--devices-total "$DEVICES" --connections-total "$CONNECTIONS" --seed "$SEED" --interval-ms 2000 --devices 100 --connections 1000)
# 1) The writer in a third process (as the issue asks): SQLite WAL lets the API read while it writes;
#    each write bumps the inventory version, so the next request rebuilds the body.
say "flush phase 1: writer in a third process, /api/v1/devices for ${WRITER_DURATION} s"
node bench/api/flush-writer.mjs --data-dir "$DATA" "${WRITER_ARGS[@]}" > "$WORK/writer3.jsonl" 2> "$WORK/writer3.stderr" &
WRITER_PID=$!
PIDS+=("$WRITER_PID")
wait_line "$WORK/writer3.jsonl" '"primed"' "$WRITER_PID" || die "the flush writer did not start: $(tail -n 5 "$WORK/writer3.stderr")"
curl -s -o /dev/null -H "$AUTH" "$OTS/api/v1/devices"   # rebuild after the priming write, before measuring
measure writer3 1 "$WRITER_DURATION" "$WRITER_PID"
stop_pid "$WRITER_PID"

# 2) The same flush inside the daemon's process, on the event loop that serves the API: where a live
#    ingest's flush runs. Same data dir, same token; otsensor's `run` is stopped for it.
printf 'otsensor_vmhwm_kib\t%s\n' "$(awk '/^VmHWM/ { print $2 }' "/proc/$OTS_PID/status")" >> "$WORK/meta.tsv"
stop_pid "$OTS_PID"
say "flush phase 2: the same writer inside the daemon process, /api/v1/devices for ${WRITER_DURATION} s"
OTS_PORT=$(free_port)
OTS=http://127.0.0.1:$OTS_PORT
node bench/api/daemon-with-writer.mjs --data-dir "$DATA" --http-listen "127.0.0.1:$OTS_PORT" --events "$WORK/inproc.jsonl" "${WRITER_ARGS[@]}" \
  > "$WORK/otsensor-inproc.log" 2>&1 &
OTS_PID=$!
PIDS+=("$OTS_PID")
wait_line "$WORK/inproc.jsonl" '"primed"' "$OTS_PID" || die "the daemon with writer did not start: $(tail -n 5 "$WORK/otsensor-inproc.log")"
wait_http "$OTS/healthz" "$OTS_PID" || die "the daemon with writer does not answer"
curl -s -o /dev/null -H "$AUTH" "$OTS/api/v1/devices"
measure inproc 1 "$WRITER_DURATION"
stop_pid "$OTS_PID"

printf 'dist_hash_after\t%s\n' "$(dist_hash)" >> "$WORK/meta.tsv"

# ---- summary ------------------------------------------------------------------------------------
mkdir -p bench/out
status=0
node bench/api/summarize.mjs "$WORK" "bench/out/api-$STAMP" || status=$?
exit $status
