# Functions of scripts/bench.sh; sourced, not run. They use its settings and state (work, out, base, token, pgport,
# users, spare, connections, threads, duration, warm, only, server_pid, ...).

phase() { echo "[$(($(date +%s) - started))s] $*" >&2; }
sql() { "$psql" -h 127.0.0.1 -p "$pgport" -U postgres -d scim -v ON_ERROR_STOP=1 -qtAX "$@"; }

need() {
  command -v "$1" >/dev/null && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    phase "installing $2 with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    command -v "$1" >/dev/null && return
  fi
  echo "$1 is required: install it (Debian/Ubuntu: sudo apt-get install $2; macOS: brew install $2)." >&2
  exit 1
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Run as deployed (the Dockerfile's WORKDIR /app): from the publish directory, so appsettings.json applies. The
# per-token rate limit (200/s by default) is lifted, or the benchmark would measure the limiter's 429s; the limiter
# itself stays in the pipeline.
start_server() { # extra environment assignments...
  (cd "$work/app" && exec env "${server_env[@]}" "$@" ConnectionStrings__Scim="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=scim${npgsql:+;$npgsql}" \
    Scim__Tokens__0="$token" Scim__RateLimit__PermitsPerSecond=100000000 Scim__RateLimit__Burst=100000000 Scim__Brake__Enabled=false \
    dotnet ScimLite.dll --urls "$base" >>"$work/server.log" 2>&1) &
  server_pid=$!
}
wait_ready() {
  local deadline=$((SECONDS + 120))
  until curl -fs -o /dev/null "$base/readyz"; do
    if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS > deadline)); then
      echo "ScimLite did not become ready; its log:" >&2; tail -n 40 "$work/server.log" >&2; exit 1
    fi
    sleep 0.01
  done
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }

scim() { # method path [body] -> status; the body goes to $work/last.json
  curl -s -o "$work/last.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/scim+json' ${3:+--data-binary "$3"} "$base$2"
}
user_id() { sed -n "${1}p" "$work/ids.txt"; }
group_id() { sql -c "SELECT bench.group_id($1)"; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

okta_user() { # userName n [id]
  printf '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],%s"userName":"%s","name":{"givenName":"Bench","familyName":"User %s"},"emails":[{"primary":true,"value":"%s","type":"work"}],"displayName":"Bench User %s","locale":"en-US","externalId":"00ubench%010d","groups":[],%s"active":true}' \
    "${3:+\"id\":\"$3\",}" "$1" "$2" "$1" "$2" "$2" "$([[ -n ${3:-} ]] || echo '"password":"gl^m&qWZ",')"
}
members_body() { # add|remove user-id
  if [[ $1 == add ]]; then
    printf '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}' "$2"
  else
    printf '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \\"%s\\"]"}]}' "$2"
  fi
}

capture() { # op index method path [body]; with dry=1 only sends the request (seconds in $last_seconds)
  [[ ${dry:-0} == 1 ]] || sql -c "SELECT 'bench-capture:$1:$2'" >/dev/null
  local status seconds
  read -r status seconds < <(curl -s -o "$work/last.json" -w '%{http_code} %{time_total}\n' -X "$3" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/scim+json' ${5:+--data-binary "$5"} "$base$4")
  last_seconds=$seconds
  [[ ${dry:-0} != 1 ]] || return 0
  if [[ $status != 2* ]]; then
    # Reported as an error of the operation (no ceiling), not fatal: the deep OFFSET page can exceed a timeout.
    phase "sample request of $1 ($3 $4) answered $status after $seconds s: $(head -c 300 "$work/last.json")"
    printf '%s\t%s %s after %s s\n' "$1" "$status" "$(head -c 200 "$work/last.json" | tr '\t\n' '  ')" "$seconds" >>"$out/capture_failed.tsv"
  fi
  # The sample's latency alone, unloaded (warm): evidence when an operation is too slow to complete under load.
  printf '%s\t%s\n' "$1" "$seconds" >>"$out/single.tsv"
}

# Captures the SQL ScimLite sends for one operation: log_statement = all around its sample request(s) (send_sample in
# scripts/bench.sh), then bench/sqlcapture.py turns it into $out/capture/<op>.sql and picks the pgbench mode. Run
# after the operation's warm-up, so the capture shows the steady state (statements auto-prepared, pool warm).
capture_op() { # op
  [[ $1 != - && ! -f $out/capture/$1.json ]] || return 0
  # Npgsql auto-prepares a statement after 5 uses on a connection, and hands the most recently used idle connection
  # out again: repeating an idempotent sample first makes the captured one look like the steady state (prepared),
  # even for a slow operation whose warm-up sent only a few requests per connection.
  if [[ $1 == @(lookup|get_user|group_filter|get_group_*|list_*) ]]; then
    local i
    for i in 1 2 3 4 5; do
      dry=1 send_sample "$1"
      python3 -c "import sys; sys.exit(float(sys.argv[1]) > 1)" "$last_seconds" || break # 5 slow ones would cost too long
    done
  fi
  sql -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.3 # backends pick the setting up at their next command
  send_sample "$1"
  sql -c "SELECT 'bench-capture-end'" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5 # the logging collector writes asynchronously
  python3 bench/sqlcapture.py --log-dir "$work/pg/log" --out-dir "$out/capture" --op "$1" "${capture_args[@]}"
}
run_wrk() { # op seconds [environment...]
  local op=$1 seconds=$2; shift 2
  env "$@" BENCH_TOKEN="$token" BENCH_USERS="$users" BENCH_IDS="$work/ids.txt" BENCH_THREADS="$threads" \
    BENCH_SPARE_FIRST="$spare_first" BENCH_SPARE_LAST="$spare_last" BENCH_LAG=$(((connections + threads - 1) / threads + 1)) \
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 30s --latency -s bench/lua/scim.lua "$base"
}
run_pgbench() { # ceiling
  [[ -f $out/capture/$1.sql ]] || return 0
  # The same 30 s limit as ScimLite's Npgsql Command Timeout and wrk's --timeout, so a runaway query ends.
  PGOPTIONS="-c statement_timeout=30s" "$pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -M "$(<"$out/capture/$1.mode")" \
    -c "$connections" -j "$threads" -T "$duration" -l --log-prefix "$out/$1.lat" -f "$out/capture/$1.sql" scim >"$out/$1.pgbench" 2>&1 || true
}
# Queries of an operation too slow to finish within the run (they may be running for many seconds after wrk stops) must
# not overlap the next measurement: wait for ScimLite's sessions to go idle, for at most 60 s, then cancel the rest.
settle() {
  local deadline=$((SECONDS + 60)) busy="SELECT count(*) FROM pg_stat_activity WHERE datname = 'scim' AND state = 'active' AND pid <> pg_backend_pid()"
  while (($(sql -c "$busy") > 0)); do
    if ((SECONDS > deadline)); then
      sql -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = 'scim' AND state = 'active' AND pid <> pg_backend_pid()" >/dev/null
      phase "cancelled ScimLite queries still running 60 s after the load stopped"
      break
    fi
    sleep 0.2
  done
}
# CPU time (utime + stime, clock ticks) of the ScimLite process, and of this cluster's postmaster and every process it
# forked (the backends), one "pid server|postgres ticks clk_tck" line each. bench/report.py subtracts per process: a
# backend that exits during the run (a pooled connection closed) takes its ticks with it and is left out, a new one
# counts from zero. Over the measured interval, divided by the requests, this is CPU per request.
cpu_ticks() {
  local postmaster; postmaster=$(head -1 "$work/pg/data/postmaster.pid")
  python3 - "$server_pid" "$postmaster" "$(getconf CLK_TCK)" <<'PY'
import os, sys
server, postmaster, hz = sys.argv[1:4]
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        text = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    fields = text[text.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (counted after the comm field)
    if pid == server: print(pid, "server", ticks, hz)
    elif pid == postmaster or fields[1] == postmaster: print(pid, "postgres", ticks, hz)
PY
}
measure() { # op ceiling [environment...]: warm-up, capture, wrk for --duration, then the ceiling for --duration
  local op=$1 ceiling=$2; shift 2
  [[ -z $only || $only == *",$op,"* ]] || return 0
  phase "$op"
  run_wrk "$op" "$warm" "$@" BENCH_TAG="w$RANDOM$op" >/dev/null 2>&1 || true
  settle
  capture_op "$ceiling"
  cpu_ticks >"$out/$op.cpu0"
  run_wrk "$op" "$duration" "$@" BENCH_TAG="m$RANDOM$op" >"$out/$op.wrk" 2>&1 || true
  cpu_ticks >"$out/$op.cpu1"
  awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status" >"$out/$op.rss"
  settle
  [[ $ceiling == - || -f $out/$ceiling.pgbench ]] || run_pgbench "$ceiling"
}

# Two sides of one comparison (on/off), interleaved: segments of --duration / 2 seconds in the order A B B A A B B A,
# so each side runs first in half of its pairs and a drift of the machine over the run weighs on both alike. `switch`
# is called with the side's op before each segment (it flips a trigger, or points base/server_pid at another server),
# then one unmeasured second of load lets plans and caches follow. Per segment: $out/<op>.s<i>.{wrk,cpu0,cpu1};
# pairs.tsv says which ops pair up and the lowest A/B throughput ratio that counts as met.
measure_pair() { # op_a op_b min_ratio switch [environment...]
  local a=$1 b=$2 min=$3 switch=$4 side i=0 half=$(((duration + 1) / 2)); shift 4
  [[ -z $only || $only == *",$a,"* || $only == *",$b,"* ]] || return 0
  phase "$a / $b: interleaved, A B B A A B B A, $half s each"
  for side in "$a" "$b" "$b" "$a" "$a" "$b" "$b" "$a"; do
    i=$((i + 1))
    "$switch" "$side"
    run_wrk "$side" 1 "$@" BENCH_TAG="w$RANDOM$side" >/dev/null 2>&1 || true
    settle
    cpu_ticks >"$out/$side.s$i.cpu0"
    run_wrk "$side" "$half" "$@" BENCH_TAG="m$RANDOM$side" >"$out/$side.s$i.wrk" 2>&1 || true
    cpu_ticks >"$out/$side.s$i.cpu1"
    awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status" >"$out/$side.rss"
  done
  settle
  printf '%s\t%s\t%s\n' "$a" "$b" "$min" >>"$out/pairs.tsv"
}
