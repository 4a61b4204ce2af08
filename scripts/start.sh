#!/usr/bin/env bash
# Installs what is missing, builds every package, starts the live test stream and the server from
# the compiled JavaScript:
# demo storefront at http://localhost:${PORT:-8080}/, consoles under /console/.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$LIVESHOP_ROOT"

ensure_apt redis-server redis-server
ensure_apt ffmpeg ffmpeg
raise_open_files
ensure_deps
ensure_redis
pnpm -s build
export PORT="${PORT:-8080}"
# The demo (seeded event, storefront, test stream, default admin key) is on only when asked; this
# command is the demo, so it asks. LIVESHOP_DEMO=0 starts a bare server instead.
export LIVESHOP_DEMO="${LIVESHOP_DEMO:-1}"
log "starting on http://localhost:$PORT/ (Redis $REDIS_URL, database ${DATABASE_URL:-embedded PGlite in ./data/})"
# node itself, not a package-manager wrapper, receives SIGINT/SIGTERM and closes the server cleanly.
# The server's data (the embedded database, the demo stream) goes to ./data here, at the root.
exec node apps/server/dist/main.js
