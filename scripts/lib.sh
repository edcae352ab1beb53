# Shared by scripts/test.sh, scripts/run.sh and .ci/run; sourced, not run.

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
