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
# The suites that exercise the real server on PostgreSQL (several processes, a restart) need one:
# the local one when it answers, else a private one stopped when this script exits.
ensure_postgres
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || true)}"

# tsc -b builds every package and app to dist/ and typechecks every test and script project; the
# tests then run against what ships: packages resolve by name to their dist/.
log "build and typecheck"; pnpm build
log "lint"; pnpm lint
log "tests (Redis at $REDIS_URL)"
status=0
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json "$@" || status=$?
node scripts/lib/summary.mjs .vitest-results.json || status=1
# A build or a test run must leave the checkout as it found it (screenshots go to test-results/,
# generated files are ignored); in CI a changed or new file fails the run.
if [ "${CI:-}" = true ]; then
  dirty="$(git status --porcelain --untracked-files=all)"
  if [ -n "$dirty" ]; then
    log "the build or the tests changed the working tree:"
    printf '%s\n' "$dirty" >&2
    status=1
  fi
fi
exit "$status"
