#!/usr/bin/env bash
# Runs every test against a throwaway PostgreSQL that the tests start themselves (see
# ScimLite.Tests/Infrastructure/PostgresServer.cs). Extra arguments go to `dotnet test`, e.g.
#   scripts/test.sh --filter "FullyQualifiedName~Users"
# Environment: SCIMLITE_TEST_CONNECTION (use an existing server), SCIMLITE_TEST_DOCKER=1 (use Docker).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! command -v dotnet >/dev/null; then
  echo "The .NET 10 SDK is required: https://dot.net/download (or your distribution's dotnet-sdk-10.0 package)." >&2
  exit 1
fi
if [[ -z ${SCIMLITE_TEST_CONNECTION:-} && ${SCIMLITE_TEST_DOCKER:-} != 1 ]]; then
  ensure_postgres
fi
ensure_chromium

# Fresh results each run, so the totals below count this run only.
rm -rf results/tests
status=0
# A hung test is killed after 15 minutes instead of eating the whole CI budget.
dotnet test ScimLite.sln -c Release --results-directory results/tests --logger trx \
  --blame-hang-timeout 15m --blame-hang-dump-type none "$@" || status=$?

read -r total passed failed skipped < <(trx_totals results/tests)
echo
echo "Totals: $passed passed, $failed failed, $skipped skipped"
exit "$status"
