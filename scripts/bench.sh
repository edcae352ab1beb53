#!/usr/bin/env bash
# Measures ScimLite against the database's own ceiling, side by side in one run: for each operation an identity
# provider sends, wrk drives HTTP load at ScimLite, then pgbench runs the very SQL ScimLite issued for it (captured
# with log_statement=all) at the same concurrency for the same time. Prints one table and writes
# results/bench-<timestamp>.json. Everything runs on loopback, in a temp dir removed on exit.
#
#   scripts/bench.sh [--quick] [--duration S] [--connections N] [--threads N] [--users N]
#                    [--pgbench-mode extended|prepared] [--artifacts-path DIR]
#
#   --quick          100,000 users, 5 s per operation (a smoke run: well under 5 minutes once built)
#   --duration S     seconds per operation, for wrk and for pgbench alike (default 10, quick 5)
#   --connections N  concurrent connections (default 8) over --threads N wrk/pgbench threads (default 2)
#   --users N        seeded users (default 1,000,000, quick 100,000)
#   --pgbench-mode   extended (default: the protocol Npgsql speaks, unprepared like ScimLite) or prepared
#   --artifacts-path passed to dotnet publish, so a shared checkout's bin/obj are left alone
#   --npgsql OPTS    appended to ScimLite's connection string, to try Npgsql settings (e.g. "Max Auto Prepare=20")
#   --server-env K=V extra environment for ScimLite, repeatable (e.g. DOTNET_GCgen0size=0x400000)
#   --only OPS       measure only these operations (comma-separated names from the JSON's "op"), e.g. get_user,lookup
#   --keep           leave the temp dir (logs, captured SQL, pgbench scripts) for inspection; servers still stop
#
# Needs: the .NET 10 SDK, PostgreSQL server binaries with pgbench, wrk, python3, curl (root installs what is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

quick=0 keep=0 only= npgsql= server_env=() duration= connections=8 threads=2 users= pgbench_mode=extended artifacts=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --only) only=,$2, ; shift ;;
    --npgsql) npgsql=$2; shift ;;
    --server-env) server_env+=("$2"); shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    --users) users=$2; shift ;;
    --pgbench-mode) pgbench_mode=$2; shift ;;
    --artifacts-path) artifacts=(--artifacts-path "$2"); shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if ((quick)); then users=${users:-100000} duration=${duration:-5} warmup=1; else users=${users:-1000000} duration=${duration:-10} warmup=2; fi
((threads <= connections)) || threads=$connections
# Groups of 10, 1,000 and 100,000 members, capped so that some users stay in no group: add/remove needs non-members.
spare=$((users / 10 < 10000 ? users / 10 : 10000))
cap() { echo $(($1 < users - spare ? $1 : users - spare)); }
small=$(cap 10) medium=$(cap 1000) large=$(cap 100000)
deep=$((users - 99)) # the startIndex of the last full page of 100
started=$(date +%s)
phase() { echo "[$(($(date +%s) - started))s] $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------------------
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
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dot.net/download" >&2; exit 1; }
ensure_postgres
need wrk wrk
need python3 python3
need curl curl
bin=$(pg_bindir)
pgbench=$bin/pgbench
[[ -x $pgbench ]] || pgbench=$(command -v pgbench) || { echo "pgbench not found beside $bin/pg_ctl (Debian: postgresql-contrib or postgresql)" >&2; exit 1; }
psql=$bin/psql
[[ -x $psql ]] || psql=$(command -v psql)

# --- temp dir and cleanup ----------------------------------------------------------------------------------------
work=$(mktemp -d /tmp/scimlite-bench.XXXXXX)
chmod 755 "$work"
server_pid=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -f $work/pg/data/postmaster.pid ]]; then as_pg "$bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  if ((keep)); then echo "kept: $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
out=$work/out
mkdir -p "$out" "$work/pg"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pgport=$(free_port) http_port=$(free_port)
base=http://127.0.0.1:$http_port
token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')

# --- PostgreSQL --------------------------------------------------------------------------------------------------
phase "PostgreSQL cluster in $work/pg (port $pgport)"
[[ $EUID -ne 0 ]] || chown postgres:postgres "$work/pg"
as_pg "$bin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 --locale=C --no-sync --no-instructions >/dev/null
# fsync off as in the tests: the disk here is shared and noisy, and the comparison is of CPU cost per operation; both
# sides of every ratio run against the same settings. csvlog, so the statement capture can be parsed exactly.
cat >>"$work/pg/data/postgresql.conf" <<EOF
port = $pgport
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work/pg'
fsync = off
full_page_writes = off
shared_buffers = 512MB
max_connections = 100
max_wal_size = 4GB
logging_collector = on
log_destination = 'csvlog'
log_directory = '$work/pg/log'
EOF
as_pg "$bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 start >/dev/null
sql() { "$psql" -h 127.0.0.1 -p "$pgport" -U postgres -d scim -v ON_ERROR_STOP=1 -qtAX "$@"; }
"$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres scim
pg_version=$("$bin/postgres" --version | sed -E 's/^[^0-9]*([0-9.]+).*/\1/')

# --- ScimLite ----------------------------------------------------------------------------------------------------
phase "dotnet publish -c Release"
dotnet publish ScimLite/ScimLite.csproj -c Release -o "$work/app" "${artifacts[@]}" -nologo -v quiet >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; exit 1; }

# Run as deployed (the Dockerfile's WORKDIR /app): from the publish directory, so appsettings.json applies. The
# per-token rate limit (200/s by default) is lifted, or the benchmark would measure the limiter's 429s; the limiter
# itself stays in the pipeline.
start_server() { # extra environment assignments...
  (cd "$work/app" && exec env "${server_env[@]}" "$@" ConnectionStrings__Scim="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=scim${npgsql:+;$npgsql}" \
    Scim__Tokens__0="$token" Scim__RateLimit__PermitsPerSecond=100000000 Scim__RateLimit__Burst=100000000 \
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

phase "first start: ScimLite migrates the empty database"
start_server
wait_ready
stop_server

phase "seeding $users users, groups of $small / $medium / $large members, 1,000 empty groups (INSERT ... SELECT generate_series)"
sql -v users="$users" -v spare="$spare" -v small="$small" -v medium="$medium" -v large="$large" -f bench/seed.sql
sql -c "COPY (SELECT bench.user_id(n) FROM generate_series(1, $users) n) TO STDOUT" >"$work/ids.txt"
seeded_s=$(($(date +%s) - started))

phase "second start, on the migrated database: start-up time to /readyz 200"
t0=$(date +%s%N)
start_server
wait_ready
startup_s=$(python3 -c "print(round(($(date +%s%N) - $t0) / 1e9, 3))")
idle_rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")

scim() { # method path [body] -> status; the body goes to $work/last.json
  curl -s -o "$work/last.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/scim+json' ${3:+--data-binary "$3"} "$base$2"
}
user_id() { sed -n "${1}p" "$work/ids.txt"; }
group_id() { sql -c "SELECT bench.group_id($1)"; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
small_id=$(group_id 1001) medium_id=$(group_id 1002) large_id=$(group_id 1003)
cursor_supported=$(scim GET /scim/v2/ServiceProviderConfig >/dev/null; python3 -c 'import json, sys; print(str(json.load(open(sys.argv[1])).get("pagination", {}).get("cursor", False)).lower())' "$work/last.json")

# --- the operations ----------------------------------------------------------------------------------------------
# ops.tsv: op, label, ceiling (captured operation whose SQL pgbench runs), requests per pgbench transaction.
cat >"$out/ops.tsv" <<EOF
healthz	GET /healthz (no database, no auth: HTTP floor)	-	1
lookup	GET /Users?filter=userName eq (Okta lookup)	lookup	1
get_user	GET /Users/{id}	get_user	1
post_user	POST /Users (password hashed, default)	post_user	1
post_user_nopw	POST /Users (passwords not stored)	post_user	1
patch_user	PATCH /Users/{id} active=false	patch_user	1
put_user	PUT /Users/{id} (Okta AIW body)	put_user	1
group_filter	GET /Groups?filter=displayName eq, no members	group_filter	1
members_small	PATCH /Groups add/remove 1, $small members	members_small	2
members_medium	PATCH /Groups add/remove 1, $medium members	members_medium	2
members_large	PATCH /Groups add/remove 1, $large members	members_large	2
get_group_small	GET /Groups/{id} no members, $small members	get_group_small	1
get_group_medium	GET /Groups/{id} no members, $medium members	get_group_medium	1
get_group_large	GET /Groups/{id} no members, $large members	get_group_large	1
list_first	GET /Users?startIndex=1&count=100	list_first	1
list_deep	GET /Users?startIndex=$deep&count=100	list_deep	1
EOF

sample=$((users / 2 + 7)) member=$((users - 3)) # the capture's sample user, and a user in no group
sample_id=$(user_id $sample) member_id=$(user_id $member) sample_name="user$sample@example.com"
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
deactivate='{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}'
declare -A path_of=(
  [list_first]="/scim/v2/Users?startIndex=1&count=100"
  [list_deep]="/scim/v2/Users?startIndex=$deep&count=100"
)

if [[ $cursor_supported == true ]]; then
  # RFC 9865 cursor for the page that starts at user $deep. Walking 10,000 pages to get there would take longer than
  # the benchmark, so the cursor is made the way Scim/Cursor.cs makes it and then checked against the server's answer.
  cursor=$(python3 -c 'import base64, sys, uuid; print("k" + base64.urlsafe_b64encode(uuid.UUID(sys.argv[1]).bytes).decode().rstrip("="))' "$(user_id $((deep - 1)))")
  status=$(scim GET "/scim/v2/Users?cursor=$cursor&count=1")
  first=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])).get("Resources") or [{}]; print(r[0].get("id", ""))' "$work/last.json" 2>/dev/null || true)
  if [[ $status == 200 && $first == "$(user_id $deep)" ]]; then
    path_of[list_cursor]="/scim/v2/Users?cursor=$cursor&count=100"
    printf 'list_cursor\tGET /Users?cursor=(at %s)&count=100\tlist_cursor\t1\n' "$deep" >>"$out/ops.tsv"
  else
    phase "cursor paging advertised, but a cursor built like Scim/Cursor.cs's did not land on user $deep ($status): skipped"
  fi
fi

# Warm the pool and Npgsql's type cache before the capture, so its queries stay out of the captured SQL.
for _ in 1 2 3; do scim GET "/scim/v2/Users/$sample_id" >/dev/null; scim GET "/scim/v2/Groups?filter=$(urlencode 'displayName eq "group-1"')" >/dev/null; done

phase "capturing ScimLite's SQL per operation (log_statement = all)"
sql -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
capture() { # op index method path [body]
  sql -c "SELECT 'bench-capture:$1:$2'" >/dev/null
  local status seconds
  read -r status seconds < <(curl -s -o "$work/last.json" -w '%{http_code} %{time_total}\n' -X "$3" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/scim+json' ${5:+--data-binary "$5"} "$base$4")
  [[ $status == 2* ]] || { echo "capture of $1: $3 $4 answered $status: $(head -c 400 "$work/last.json")" >&2; exit 1; }
  # The sample's latency alone, unloaded: evidence when an operation is too slow to complete under load.
  printf '%s\t%s\n' "$1" "$seconds" >>"$out/single.tsv"
}
capture lookup 1 GET "/scim/v2/Users?filter=$(urlencode "userName eq \"$sample_name\"")&startIndex=1&count=100"
capture get_user 1 GET "/scim/v2/Users/$sample_id"
capture post_user 1 POST /scim/v2/Users "$(okta_user capture-post@example.com 1)"
capture patch_user 1 PATCH "/scim/v2/Users/$sample_id" "$deactivate"
capture put_user 1 PUT "/scim/v2/Users/$sample_id" "$(okta_user "$sample_name" $sample "$sample_id")"
capture group_filter 1 GET "/scim/v2/Groups?filter=$(urlencode 'displayName eq "group-507"')&excludedAttributes=members"
for size in small medium large; do
  gid=${size}_id
  capture "members_$size" 1 PATCH "/scim/v2/Groups/${!gid}" "$(members_body add "$member_id")"
  capture "members_$size" 2 PATCH "/scim/v2/Groups/${!gid}" "$(members_body remove "$member_id")"
  capture "get_group_$size" 1 GET "/scim/v2/Groups/${!gid}?excludedAttributes=members"
done
for op in "${!path_of[@]}"; do capture "$op" 1 GET "${path_of[$op]}"; done
sql -c "SELECT 'bench-capture-end'" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1 # the logging collector writes asynchronously
python3 bench/sqlcapture.py --log-dir "$work/pg/log" --out-dir "$work/pgbench" \
  --subst "$sample_id=>bench.user_id(:n)" --subst "$sample_name=>bench.user_name(:n)" \
  --subst "$member_id=>bench.user_id(:m)" \
  --subst "capture-post@example.com=>('post-pgb-' || :client_id || '-' || :r || '@example.com')" \
  --subst "group-507=>('group-' || :g)" \
  --set "n=random(1, $users)" --set "m=random($((users - spare + 1)), $users)" \
  --set "r=random(1, 999999999999)" --set "g=random(1, 1000)" --new-id post_user \
  $([[ $pgbench_mode != prepared ]] || echo --drop-discard)
cp "$work/pgbench/manifest.json" "$out/manifest.json"

# --- load --------------------------------------------------------------------------------------------------------
run_wrk() { # op seconds [environment...]
  local op=$1 seconds=$2; shift 2
  env "$@" BENCH_TOKEN="$token" BENCH_USERS="$users" BENCH_IDS="$work/ids.txt" BENCH_THREADS="$threads" \
    BENCH_SPARE_FIRST=$((users - spare + 1)) BENCH_SPARE_LAST="$users" BENCH_LAG=$(((connections + threads - 1) / threads + 1)) \
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 30s -s bench/lua/scim.lua "$base"
}
run_pgbench() { # ceiling
  "$pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -M "$pgbench_mode" -c "$connections" -j "$threads" -T "$duration" \
    -l --log-prefix "$out/$1.lat" -f "$work/pgbench/$1.sql" scim >"$out/$1.pgbench" 2>&1 || true
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
measure() { # op ceiling [environment...]: warm-up, then wrk for --duration, then the ceiling for --duration
  local op=$1 ceiling=$2; shift 2
  [[ -z $only || $only == *",$op,"* ]] || return 0
  phase "$op"
  run_wrk "$op" "$warm" "$@" BENCH_TAG="w$RANDOM$op" >/dev/null 2>&1 || true
  run_wrk "$op" "$duration" "$@" BENCH_TAG="m$RANDOM$op" >"$out/$op.wrk" 2>&1 || true
  awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status" >"$out/$op.rss"
  settle
  [[ $ceiling == - || -f $out/$ceiling.pgbench ]] || run_pgbench "$ceiling"
}

warm=$warmup
measure healthz - BENCH_OP=path BENCH_PATH=/healthz
measure lookup lookup BENCH_OP=lookup
measure get_user get_user BENCH_OP=get_user
measure post_user post_user BENCH_OP=post_user
measure patch_user patch_user BENCH_OP=patch_user
measure put_user put_user BENCH_OP=put_user
measure group_filter group_filter BENCH_OP=group_filter
for size in small medium large; do
  gid=${size}_id
  measure "members_$size" "members_$size" BENCH_OP=members BENCH_GROUP="${!gid}"
  measure "get_group_$size" "get_group_$size" BENCH_OP=get_group BENCH_GROUP="${!gid}"
done
for op in list_first list_deep list_cursor; do
  if [[ -n ${path_of[$op]:-} ]]; then measure "$op" "$op" BENCH_OP=path BENCH_PATH="${path_of[$op]}"; fi
done
rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")

phase "restart with Scim__PasswordIterations=0 (passwords not stored)"
stop_server
start_server Scim__PasswordIterations=0
wait_ready
warm=$((warmup * 3)) # a fresh process: give the JIT (tiered compilation, PGO) time, as the first process had
measure post_user_nopw post_user BENCH_OP=post_user

stamp=$(date -u +%Y%m%dT%H%M%SZ)
phase "done in $(($(date +%s) - started)) s"
python3 bench/report.py --dir "$out" --out "results/bench-$stamp.json" \
  --meta users="$users" --meta small="$small" --meta medium="$medium" --meta large="$large" --meta deep_index="$deep" \
  --meta connections="$connections" --meta threads="$threads" --meta duration="$duration" --meta quick="$quick" \
  --meta postgres="\"$pg_version\"" --meta pgbench_mode="\"$pgbench_mode\"" --meta npgsql_options="\"$npgsql\"" \
  --meta server_env="$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${server_env[@]}")" --meta cursor_supported="$cursor_supported" \
  --meta rss_mb="$(python3 -c "print($rss_kb / 1024)")" --meta idle_rss_mb="$(python3 -c "print($idle_rss_kb / 1024)")" --meta startup_s="$startup_s" \
  --meta seeded_after_s="$seeded_s" --meta total_s="$(($(date +%s) - started))" \
  --meta cpus="$(nproc)" --meta load_average="\"$(cut -d' ' -f1-3 /proc/loadavg)\""
