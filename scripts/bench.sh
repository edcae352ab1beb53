#!/usr/bin/env bash
# Measures ScimLite against the database's own ceiling, side by side in one run: for each operation an identity
# provider sends, wrk drives HTTP load at ScimLite, then pgbench runs the very SQL ScimLite issued for it (captured
# with log_statement=all) at the same concurrency for the same time. Prints one table and writes
# results/bench-<timestamp>.json. Everything runs on loopback, in a temp dir removed on exit.
#
#   scripts/bench.sh [--quick] [--duration S] [--connections N] [--threads N] [--users N]
#                    [--pgbench-mode auto|extended|prepared] [--artifacts-path DIR]
#
#   --quick          100,000 users, 5 s per operation (a smoke run: well under 5 minutes once built)
#   --duration S     seconds per operation, for wrk and for pgbench alike (default 10, quick 5)
#   --connections N  concurrent connections (default 8) over --threads N wrk/pgbench threads (default 2)
#   --users N        seeded users (default 1,000,000, quick 100,000)
#   --pgbench-mode   auto (default): per operation, prepared when ScimLite's Npgsql sent it as a prepared statement
#                    (auto-prepare), else extended (the protocol Npgsql speaks unprepared); or force either
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
source bench/lib.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

quick=0 keep=0 only= npgsql= server_env=() duration= connections=8 threads=2 users= pgbench_mode=auto artifacts=()
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
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if ((quick)); then users=${users:-100000} duration=${duration:-5} warmup=1; else users=${users:-1000000} duration=${duration:-10} warmup=2; fi
((threads <= connections)) || threads=$connections
# Groups of 10, 1,000 and 100,000 members, capped so that some users stay in no group: add/remove needs non-members.
spare=$((users / 10 < 10000 ? users / 10 : 10000))
spare_first=$((users - spare + 1)) spare_last=$((users - 1))
cap() { echo $(($1 < users - spare ? $1 : users - spare)); }
small=$(cap 10) medium=$(cap 1000) large=$(cap 100000)
deep=$((users - 99)) # the startIndex of the last full page of 100
started=$(date +%s)

# --- tools -------------------------------------------------------------------------------------------------------
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
server_pid= other_pid=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in $server_pid $other_pid; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  done
  if [[ -f $work/pg/data/postmaster.pid ]]; then as_pg "$bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  if ((keep)); then echo "kept: $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
out=$work/out
mkdir -p "$out" "$work/pg"

pgport=$(free_port) http_port=$(free_port)
base=http://127.0.0.1:$http_port
token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')

# --- PostgreSQL --------------------------------------------------------------------------------------------------
phase "PostgreSQL cluster in $work/pg (port $pgport)"
[[ $EUID -ne 0 ]] || chown postgres:postgres "$work/pg"
as_pg "$bin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >/dev/null
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
"$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres scim
pg_version=$("$bin/postgres" --version | sed -E 's/^[^0-9]*([0-9.]+).*/\1/')

# --- ScimLite ----------------------------------------------------------------------------------------------------
# As the Dockerfile publishes it: ReadyToRun for this platform (the plain build if that cannot be had).
phase "dotnet publish -c Release (ReadyToRun)"
publish=(dotnet publish ScimLite/ScimLite.csproj -c Release -o "$work/app" "${artifacts[@]}" -nologo -v quiet)
"${publish[@]}" --use-current-runtime --self-contained false -p:PublishReadyToRun=true >"$work/publish.log" 2>&1 \
  || { phase "ReadyToRun publish failed; publishing the plain build"; "${publish[@]}" >"$work/publish.log" 2>&1; } \
  || { cat "$work/publish.log" >&2; exit 1; }

phase "first start: ScimLite migrates the empty database"
start_server
wait_ready
stop_server

phase "seeding $users users, groups of $small / $medium / $large members, 1,000 empty groups (INSERT ... SELECT generate_series)"
sql -v users="$users" -v spare="$spare" -v small="$small" -v medium="$medium" -v large="$large" -f bench/seed.sql
sql -c "COPY (SELECT bench.user_id(n) FROM generate_series(1, $users) n) TO STDOUT" >"$work/ids.txt"
seeded_s=$(($(date +%s) - started))

# A restarted ScimLite meets a running database whose cache holds what it serves; the seeding's VACUUM read the tables
# through a small ring, so at 1,000,000 users they are not in PostgreSQL's shared buffers yet. Load what a GET by id and
# a lookup read (pg_prewarm, from PostgreSQL's contrib), so the warm-up curve below is ScimLite's own and not PostgreSQL's
# buffer cache filling. Each ScimLite connection still starts with cold catalog and plan caches.
if sql -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" >/dev/null 2>&1; then
  phase "PostgreSQL's buffer cache: pg_prewarm of users, link and groups with their indexes"
  sql -c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c WHERE c.relname IN ('groups', 'groups_pkey', 'link_user_id_idx', 'link',
            'users_user_name_key', 'users_pkey', 'users') AND c.relnamespace = 'public'::regnamespace" >/dev/null
else
  phase "pg_prewarm is not available: the warm-up curve includes PostgreSQL's buffer cache filling"
fi

phase "second start, on the migrated database: start-up time to /readyz 200"
t0=$(date +%s%N)
start_server
wait_ready
startup_s=$(python3 -c "print(round(($(date +%s%N) - $t0) / 1e9, 3))")
idle_rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")

# The warm-up curve: GET /Users/{id} one second at a time from the moment the fresh process is ready, CPU per request
# of each second (the JIT's tiers, Npgsql's prepared statements and each connection's catalog and plan caches all start
# cold here; PostgreSQL's buffer cache is warm, as above).
[[ -z $only || $only == *,curve,* ]] && curve_seconds=10 || curve_seconds=0
((curve_seconds == 0)) || phase "warm-up curve: GET /Users/{id}, $curve_seconds one-second windows after ready"
for ((second = 1; second <= curve_seconds; second++)); do
  cpu_ticks >"$out/curve.s$second.cpu0"
  run_wrk curve 1 BENCH_OP=get_user >"$out/curve.s$second.wrk" 2>&1 || true
  cpu_ticks >"$out/curve.s$second.cpu1"
done

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
get_group_large_members	GET /Groups/{id} with its $large members	-	1
list_first	GET /Users?startIndex=1&count=100	list_first	1
list_deep	GET /Users?startIndex=$deep&count=100	list_deep	1
bad_filter	GET /Users?filter= malformed (400), request log on	-	1
bad_filter_nolog	GET /Users?filter= malformed (400), request log off	-	1
patch_user_on	PATCH /Users/{id} active=false, triggers on	-	1
patch_user_off	PATCH /Users/{id} active=false, triggers off	-	1
members_small_on	PATCH /Groups add/remove 1, $small members, triggers on	-	1
members_small_off	PATCH /Groups add/remove 1, $small members, triggers off	-	1
members_100_on	PATCH /Groups add 100 members, triggers on	-	1
members_100_off	PATCH /Groups add 100 members, triggers off	-	1
post_user_on	POST /Users (no password stored), triggers on	-	1
post_user_off	POST /Users (no password stored), triggers off	-	1
curve	GET /Users/{id}, one-second windows after start	-	1
EOF

# The capture's sample user, and its member: the last user, in no group and outside the spare users that the load
# adds and removes (a member left behind by the warm-up would change the SQL of the add).
sample=$((users / 2 + 7)) member=$users
sample_id=$(user_id $sample) member_id=$(user_id $member) sample_name="user$sample@example.com"
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

# Warm the pool and Npgsql's type cache, so its queries stay out of the captured SQL.
for _ in 1 2 3; do scim GET "/scim/v2/Users/$sample_id" >/dev/null; scim GET "/scim/v2/Groups?filter=$(urlencode 'displayName eq "group-1"')" >/dev/null; done
# The sample request(s) whose SQL becomes an operation's ceiling (see capture_op in bench/lib.sh).
send_sample() {
  case $1 in
    lookup) capture lookup 1 GET "/scim/v2/Users?filter=$(urlencode "userName eq \"$sample_name\"")&startIndex=1&count=100" ;;
    get_user) capture get_user 1 GET "/scim/v2/Users/$sample_id" ;;
    post_user) capture post_user 1 POST /scim/v2/Users "$(okta_user capture-post@example.com 1)" ;;
    patch_user) capture patch_user 1 PATCH "/scim/v2/Users/$sample_id" "$deactivate" ;;
    put_user) capture put_user 1 PUT "/scim/v2/Users/$sample_id" "$(okta_user "$sample_name" $sample "$sample_id")" ;;
    group_filter) capture group_filter 1 GET "/scim/v2/Groups?filter=$(urlencode 'displayName eq "group-507"')&excludedAttributes=members" ;;
    members_*)
      local gid=${1#members_}_id
      capture "$1" 1 PATCH "/scim/v2/Groups/${!gid}" "$(members_body add "$member_id")"
      capture "$1" 2 PATCH "/scim/v2/Groups/${!gid}" "$(members_body remove "$member_id")" ;;
    get_group_*) local gid=${1#get_group_}_id; capture "$1" 1 GET "/scim/v2/Groups/${!gid}?excludedAttributes=members" ;;
    list_*) capture "$1" 1 GET "${path_of[$1]}" ;;
  esac
}
# What in the sample is a random parameter for pgbench; the rest stays as ScimLite bound it.
capture_args=(
  --subst "$sample_id=>bench.user_id(:n)" --subst "$sample_name=>bench.user_name(:n)"
  --subst "$member_id=>bench.user_id(:m)"
  --subst "capture-post@example.com=>('post-pgb-' || :client_id || '-' || :r || '@example.com')"
  --subst "group-507=>('group-' || :g)"
  --set "n=random(1, $users)" --set "m=random($spare_first, $spare_last)"
  --set "r=random(1, 999999999999)" --set "g=random(1, 1000)" --new-id post_user --mode "$pgbench_mode"
)

# --- load --------------------------------------------------------------------------------------------------------
# A fresh process runs tier-0 code until the JIT's tiers settle, which takes several seconds of load: the first
# operations measured would pay for it, and a comparison (journal on / off) would depend on the order of measurement.
# So the server first serves a few seconds of each kind of request, untimed.
warm_up() { # seconds, then operations as op=ENV=...; always all of them, whatever --only says
  local seconds=$1 spec op vars; shift
  phase "warm-up: $seconds s each of ${*%%=*}"
  for spec in "$@"; do
    op=${spec%%=*}
    IFS=" " read -r -a vars <<<"${spec#*=}"
    run_wrk "$op" "$seconds" "${vars[@]}" BENCH_TAG="u$RANDOM$op" >/dev/null 2>&1 || true
  done
  settle
}
warm_up $((warmup * 3)) "lookup=BENCH_OP=lookup" "get_user=BENCH_OP=get_user" "patch_user=BENCH_OP=patch_user" \
  "members_small=BENCH_OP=members BENCH_GROUP=$small_id" "list_first=BENCH_OP=path BENCH_PATH=${path_of[list_first]}"
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
# The writes above leave dead rows and clear the visibility map, which makes count(*) and the OFFSET walk of the list
# pages several times slower until autovacuum comes by; vacuum now, so list results do not depend on its timing.
phase "VACUUM (ANALYZE) before the list pages"
sql -c "VACUUM (ANALYZE) users, groups, link"
for op in list_first list_deep list_cursor; do
  if [[ -n ${path_of[$op]:-} ]]; then measure "$op" "$op" BENCH_OP=path BENCH_PATH="${path_of[$op]}"; fi
done
# The whole group, members streamed (issue #11, defect 10): its peak RSS is in the .rss of this step.
measure get_group_large_members - BENCH_OP=path BENCH_PATH="/scim/v2/Groups/$large_id"
if [[ -z $only || $only == *,import,* ]]; then
  phase "import: every user by pages of 100 (cursor, then startIndex; each at most 300 s)"
  python3 bench/import.py --base "$base" --token "$token" --limit 300 --out "$out/import.json" || true
fi
# --- what the journal, the brake and the counts cost a write, and the request log a flood of 400s ---------------
# Each pair is measured interleaved (measure_pair in bench/lib.sh): the same requests with the user triggers of
# users, groups and link on and off. Off stands for ScimLite before the journal, brake and counts: a write then cost
# its own statements only. The brake is disabled in this run (see above), so its triggers return after reading their
# settings row. Last in the run, because a membership add of 100 changes what the list pages would read.
triggers() { # <op>: its name ends in _off for "disabled"
  local verb=ENABLE
  [[ $1 == *_off ]] && verb=DISABLE
  sql -c "ALTER TABLE users $verb TRIGGER USER" -c "ALTER TABLE groups $verb TRIGGER USER" -c "ALTER TABLE link $verb TRIGGER USER" >/dev/null
}
measure_pair patch_user_on patch_user_off 0.85 triggers BENCH_OP=patch_user
measure_pair members_small_on members_small_off 0.85 triggers BENCH_OP=members BENCH_GROUP="$small_id"
sql -c "COPY (SELECT id FROM groups WHERE display_name LIKE 'group-%' ORDER BY id) TO STDOUT" >"$work/group_ids.txt"
measure_pair members_100_on members_100_off 0.85 triggers BENCH_OP=members100 BENCH_GROUP_IDS="$work/group_ids.txt"
triggers on
rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")

if [[ -z $only || $only == *,post_user_nopw,* || $only == *,post_user_on,* || $only == *,post_user_off,* ]]; then
  phase "restart with Scim__PasswordIterations=0 (passwords not stored)"
  stop_server
  start_server Scim__PasswordIterations=0
  wait_ready
  warm_up $((warmup * 3)) "post_user=BENCH_OP=post_user" "patch_user=BENCH_OP=patch_user"
  measure post_user_nopw post_user BENCH_OP=post_user
  measure_pair post_user_on post_user_off 0.85 triggers BENCH_OP=post_user
  triggers on
fi
# The pairs' writes with the count triggers off left resource_counts short: count again, as sql/0007 and 0009 did.
sql -c "DELETE FROM resource_counts" -c "INSERT INTO resource_counts (table_name, shard, n)
  SELECT 'users', 0, count(*) FROM users UNION ALL SELECT 'groups', 0, count(*) FROM groups
  UNION ALL SELECT 'users_active', 0, count(*) FROM users WHERE active" >/dev/null

# A flood of 400s, as a misconfigured identity provider sends: each one is a failed request the request log considers
# (rate cap, then a record or a drop counted), against the same flood with the request log off. Two servers, one of
# each, run side by side and take the load in turn; both are warmed alike first.
bad_filter_path="/scim/v2/Users?filter=$(urlencode 'userName eq "unclosed')"
if [[ -z $only || $only == *,bad_filter,* || $only == *,bad_filter_nolog,* ]]; then
  phase "two servers: Scim__RequestLog__Enabled=true and false"
  stop_server
  declare -A base_of pid_of
  for side in bad_filter:true bad_filter_nolog:false; do
    base=http://127.0.0.1:$(free_port)
    start_server Scim__RequestLog__Enabled="${side#*:}"
    wait_ready
    base_of[${side%%:*}]=$base pid_of[${side%%:*}]=$server_pid other_pid="$other_pid $server_pid"
  done
  server_to() { base=${base_of[$1]} server_pid=${pid_of[$1]}; }
  for side in bad_filter bad_filter_nolog; do
    server_to "$side"
    warm_up $((warmup * 5)) "$side=BENCH_OP=path BENCH_PATH=$bad_filter_path"
  done
  measure_pair bad_filter bad_filter_nolog 0.90 server_to BENCH_OP=path BENCH_PATH="$bad_filter_path"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
phase "done in $(($(date +%s) - started)) s"
python3 bench/report.py --dir "$out" --out "results/bench-$stamp.json" \
  --meta users="$users" --meta small="$small" --meta medium="$medium" --meta large="$large" --meta deep_index="$deep" \
  --meta connections="$connections" --meta threads="$threads" --meta duration="$duration" --meta quick="$quick" \
  --meta postgres="\"$pg_version\"" --meta pgbench_mode="\"$pgbench_mode\"" --meta npgsql_options="\"$npgsql\"" \
  --meta server_env="$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${server_env[@]}")" --meta cursor_supported="$cursor_supported" \
  --meta rss_mb="$(python3 -c "print($rss_kb / 1024)")" --meta idle_rss_mb="$(python3 -c "print($idle_rss_kb / 1024)")" --meta startup_s="$startup_s" \
  --meta seeded_after_s="$seeded_s" --meta total_s="$(($(date +%s) - started))" \
  --meta commit="\"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -z $(git status --porcelain -- ScimLite sql 2>/dev/null) ]] || echo +uncommitted)\"" \
  --meta cpus="$(nproc)" --meta load_average="\"$(cut -d' ' -f1-3 /proc/loadavg)\""
