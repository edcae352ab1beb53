#!/usr/bin/env bash
# Runs ScimLite for development, on http://localhost:5000 unless --urls or ASPNETCORE_URLS says otherwise.
# Without ConnectionStrings__Scim it starts (or reuses) a PostgreSQL cluster in .data/pg and a database "scim";
# without Scim__Tokens__0 it uses a development token kept in .data/dev-token. Arguments go to the server,
# e.g. scripts/run.sh --urls http://localhost:8080. Operator commands: scripts/scimlite <command> (same database).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p .data

if [[ -z ${ConnectionStrings__Scim:-} ]]; then
  start_dev_cluster
  echo "PostgreSQL: data in .data/pg; stop it with: $DEV_PG_STOP"
fi
echo "Database:   ConnectionStrings__Scim='$(without_password "$ConnectionStrings__Scim")'"

# The URL Kestrel will really listen on: --urls, else ASPNETCORE_URLS, else the development default passed below.
urls=(--urls http://localhost:5000)
listen=http://localhost:5000
for ((i = 1; i <= $#; i++)); do
  arg=${!i}
  case $arg in
    --urls=*) listen=${arg#--urls=}; urls=() ;;
    --urls) next=$((i + 1)); listen=${!next:-}; urls=() ;;
  esac
done
if ((${#urls[@]} > 0)) && [[ -n ${ASPNETCORE_URLS:-} ]]; then
  listen=$ASPNETCORE_URLS
  urls=()
fi
base=${listen%%;*}
base=${base/\/\/+:/\/\/localhost:}
base=${base/\/\/\*:/\/\/localhost:}
base=${base/\/\/0.0.0.0:/\/\/localhost:}
echo "Listening:  $listen (SCIM base URL ${base%/}/scim/v2)"

if [[ -z ${Scim__Tokens__0:-} ]]; then
  dev_token
  cat <<EOT
Token:      development bearer token in .data/dev-token (the client config-0), e.g.
            curl -H "Authorization: Bearer \$(cat .data/dev-token)" ${base%/}/scim/v2/Users
EOT
fi
echo "Commands:   scripts/scimlite --help (the same database and token)"

exec dotnet run --project ScimLite -c Release -- "${urls[@]}" "$@"
