#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store tests, on a Unix socket only (no TCP port).
# Source it: it exports REALPOLITIK_TEST_POSTGRES (the URL the tests use) and stops the
# server and deletes its files when the sourcing shell exits.
#
#   source scripts/start-test-postgres.sh
#
# Uses Debian's server binaries (/usr/lib/postgresql/N/bin, the newest N); as root the
# server runs as the `postgres` user, which PostgreSQL requires.
set -euo pipefail
binaries=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$binaries" ] || [ ! -x "$binaries/pg_ctl" ]; then
  echo "no PostgreSQL server installed (scripts/install-system-packages.sh installs Debian's)" >&2
  return 1 2>/dev/null || exit 1
fi
cluster=$(mktemp -d /tmp/realpolitik-postgres.XXXXXX)
run_as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$cluster"
  run_as_owner=(runuser -u postgres --)
fi
"${run_as_owner[@]}" "$binaries/initdb" --pgdata="$cluster/data" --auth=trust --username=postgres --no-sync \
  --encoding=UTF8 >"$cluster/initdb.log"
"${run_as_owner[@]}" "$binaries/pg_ctl" --pgdata="$cluster/data" --log="$cluster/server.log" --wait \
  --options="-c listen_addresses='' -c unix_socket_directories='$cluster' -c fsync=off" start >/dev/null
stop_test_postgres() {
  "${run_as_owner[@]}" "$binaries/pg_ctl" --pgdata="$cluster/data" --mode=immediate stop >/dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap stop_test_postgres EXIT
export REALPOLITIK_TEST_POSTGRES="postgresql+psycopg://postgres@/postgres?host=$cluster"
echo "PostgreSQL $("$binaries/postgres" --version | awk '{print $3}') for the tests: $REALPOLITIK_TEST_POSTGRES"
