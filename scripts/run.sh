#!/usr/bin/env bash
# Runs ScimLite on http://localhost:5000 for development.
# Without ConnectionStrings__Scim it starts (or reuses) a PostgreSQL cluster in .data/pg and a database "scim";
# without Scim__Tokens__0 it uses a development token kept in .data/dev-token. Arguments go to the server,
# e.g. scripts/run.sh --urls http://localhost:8080
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p .data

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_dev_cluster() {
  ensure_postgres
  local bin pgdir=$PWD/.data/pg
  bin=$(pg_bindir)
  mkdir -p "$pgdir"
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$pgdir"
    if ! runuser -u postgres -- test -w "$pgdir"; then
      echo "The postgres user cannot reach $pgdir (a parent directory is closed to it); clone the repo elsewhere or set ConnectionStrings__Scim." >&2
      exit 1
    fi
  fi
  if [[ ! -f $pgdir/data/PG_VERSION ]]; then
    # trust is safe only because the cluster listens on loopback alone (listen_addresses below).
    as_pg "$bin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
    printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$pgdir" >>"$pgdir/data/postgresql.conf"
  fi
  if as_pg "$bin/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
    port=$(sed -n 4p "$pgdir/data/postmaster.pid") # line 4 of postmaster.pid is the port
  else
    # The port is chosen at each start, not stored: 5432 may be taken today by another cluster.
    port=5432
    while port_in_use "$port"; do port=$((port + 1)); done
    as_pg "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -o "-p $port" -w start >/dev/null
  fi
  if [[ $("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'scim'") != 1 ]]; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres scim
  fi
  local stop="$bin/pg_ctl -D $pgdir/data stop"
  [[ $EUID -ne 0 ]] || stop="runuser -u postgres -- $stop"
  echo "PostgreSQL: 127.0.0.1:$port, database scim, data in .data/pg (stop it with: $stop)"
  export ConnectionStrings__Scim="Host=127.0.0.1;Port=$port;Username=postgres;Database=scim"
}

dev_token() {
  if [[ ! -s .data/dev-token ]]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >.data/dev-token)
  fi
  export Scim__Tokens__0=$(<.data/dev-token)
  cat <<EOF
Development bearer token (kept in .data/dev-token):
  Authorization: Bearer $Scim__Tokens__0
  e.g. curl -H "Authorization: Bearer \$(cat .data/dev-token)" http://localhost:5000/scim/v2/Users
EOF
}

[[ -n ${ConnectionStrings__Scim:-} ]] || start_dev_cluster
[[ -n ${Scim__Tokens__0:-} ]] || dev_token

urls=(--urls http://localhost:5000)
if [[ -n ${ASPNETCORE_URLS:-} || " $* " == *" --urls"* ]]; then urls=(); fi
exec dotnet run --project ScimLite -c Release -- "${urls[@]}" "$@"
