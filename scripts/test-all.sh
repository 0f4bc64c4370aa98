#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (Chromium for the
# browser tests, PostgreSQL server binaries for the PostgreSQL tests, npm packages), builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

have_postgres() {
  [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ] && return 0
  return 1
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_postgres || missing+=(postgresql)
# systemd-analyze verifies the generated service units (test/ops/service.test.ts).
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-all: installing system packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "test-all: need root (or sudo) to install ${missing[*]} with apt-get" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -d node_modules ] || npm ci
# The build also serves the tests: CLI child processes run the compiled dist/ (test/helpers/entry.ts),
# which starts in half the time of the source through tsx, and the browser tests use web/dist.
npm run build
# vitest.config.ts runs most files two at a time, then the timing-sensitive ones alone.
# Arguments go to vitest: `npm run test:all -- test/cli` runs one folder.
npx vitest run "$@"
