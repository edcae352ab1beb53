# Shared by scripts/test.sh, scripts/run.sh, scripts/scimlite and .ci/run; sourced, not run.

# Directory holding initdb and pg_ctl: PATH first, then Debian's /usr/lib/postgresql/<major>/bin (newest major).
pg_bindir() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    # Resolved, because a symlinked pg_ctl on PATH (/usr/local/bin) may have no psql beside it.
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
      echo "$dir"
      return
    fi
  done
  return 1
}

# Makes sure the PostgreSQL server binaries exist: apt-get installs them as root, anyone else is told what to do.
ensure_postgres() {
  pg_bindir >/dev/null && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "PostgreSQL server binaries not found; installing them with apt-get." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    pg_bindir >/dev/null && return
  fi
  cat >&2 <<'EOF'
PostgreSQL server binaries (initdb, pg_ctl) not found. Install them, e.g.:
  Debian/Ubuntu:  sudo apt-get install postgresql
  Fedora:         sudo dnf install postgresql-server
  macOS:          brew install postgresql@15
or point the tests at an existing server: SCIMLITE_TEST_CONNECTION='Host=...;Username=...;Password=...'
(the user must be allowed to CREATE DATABASE), or use Docker: SCIMLITE_TEST_DOCKER=1.
EOF
  return 1
}

# Chromium for the status page's browser tests (Playwright drives /usr/bin/chromium; it downloads no browser):
# apt-get installs it as root; anyone else is told, and those tests skip saying why.
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "Chromium not found; installing it with apt-get for the status page's browser tests." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
    [[ -x /usr/bin/chromium ]] && return
  fi
  echo "No /usr/bin/chromium (Debian/Ubuntu: sudo apt-get install chromium): the status page's browser tests will be skipped." >&2
  return 0
}

# Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root), else as ourselves.
as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Sums the <Counters> of every .trx under $1 and prints "total passed failed skipped".
trx_totals() {
  local total=0 passed=0 failed=0 executed=0 file counters
  shopt -s nullglob globstar
  for file in "$1"/**/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$file" | head -n1)
    total=$((total + $(attr total "$counters")))
    executed=$((executed + $(attr executed "$counters")))
    passed=$((passed + $(attr passed "$counters")))
    failed=$((failed + $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters")))
  done
  shopt -u nullglob globstar
  # Skipped tests count in total but are neither executed nor passed.
  echo "$total $passed $failed $((total - executed))"
}

attr() { [[ $2 =~ $1=\"([0-9]+)\" ]] && echo "${BASH_REMATCH[1]}" || echo 0; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The development database of scripts/run.sh and scripts/scimlite: a cluster in .data/pg (created, or started when
# stopped) with a database "scim". Exports ConnectionStrings__Scim and DEV_PG_STOP (how to stop it). Run from the
# repository root. Messages go to stderr, so a command's own output stays pipeable.
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
    echo "Creating the development PostgreSQL cluster in .data/pg." >&2
    # trust is safe only because the cluster listens on loopback alone (listen_addresses below).
    as_pg "$bin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
    printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$pgdir" >>"$pgdir/data/postgresql.conf"
  fi
  local port
  # Running when postmaster.pid names a live process (line 1) — cheaper than pg_ctl status; line 4 is its port.
  if [[ -f $pgdir/data/postmaster.pid && -d /proc/$(sed -n 1p "$pgdir/data/postmaster.pid") ]]; then
    port=$(sed -n 4p "$pgdir/data/postmaster.pid")
  else
    # The port is chosen at each start, not stored: 5432 may be taken today by another cluster.
    port=5432
    while port_in_use "$port"; do port=$((port + 1)); done
    echo "Starting the development PostgreSQL (.data/pg) on 127.0.0.1:$port." >&2
    as_pg "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -o "-p $port" -w start >/dev/null
  fi
  # The database is checked once per cluster (the marker file), not on every command.
  if [[ ! -f $pgdir/scim-created ]]; then
    if [[ $("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'scim'") != 1 ]]; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres scim
    fi
    touch "$pgdir/scim-created"
  fi
  DEV_PG_STOP="$bin/pg_ctl -D $pgdir/data stop"
  [[ $EUID -ne 0 ]] || DEV_PG_STOP="runuser -u postgres -- $DEV_PG_STOP"
  export ConnectionStrings__Scim="Host=127.0.0.1;Port=$port;Username=postgres;Database=scim"
}

# The development token (.data/dev-token, created once) as Scim__Tokens__0, the configuration client config-0.
dev_token() {
  mkdir -p .data
  if [[ ! -s .data/dev-token ]]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >.data/dev-token)
  fi
  export Scim__Tokens__0=$(<.data/dev-token)
}

# A connection string without its password, for printing.
without_password() { sed -E 's/(^|;)[[:space:]]*[Pp]ass(word)?[[:space:]]*=[^;]*/\1Password=***/g' <<<"$1"; }
