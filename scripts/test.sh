#!/usr/bin/env bash
# Installs everything the tests need, then runs every test: typecheck, lint, unit, integration,
# end-to-end in Chromium. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$LIVESHOP_ROOT"

ensure_apt redis-server redis-server
ensure_apt chromium chromium
ensure_apt ffmpeg ffmpeg
raise_open_files
ensure_deps
ensure_redis
# A reachable local PostgreSQL is used by the suites that exercise the real server; PGlite otherwise.
if [ -z "${LIVESHOP_TEST_DATABASE_URL:-}" ] && tcp_open 127.0.0.1 5432; then
  export LIVESHOP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || true)}"

log "typecheck"; pnpm typecheck
log "lint"; pnpm lint
log "build"; pnpm build
log "tests (Redis at $REDIS_URL)"
status=0
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json "$@" || status=$?
node scripts/lib/summary.mjs .vitest-results.json || status=1
exit "$status"
