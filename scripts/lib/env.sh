# Shared set-up for scripts/start.sh and scripts/test.sh: installs what is missing and starts a
# private Redis when none answers at REDIS_URL. Source it from the repository root.

LIVESHOP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="$(node -p "require('$LIVESHOP_ROOT/package.json').packageManager.split('@')[1]")"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# Older corepack releases carry outdated registry signing keys and refuse current pnpm tarballs.
export COREPACK_INTEGRITY_KEYS=0

log() { printf '\033[1;34m[liveshop]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
# ensure_apt <command> <debian-package>: installs the package when the command is absent.
ensure_apt() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null 2>&1 && return 0
  log "installing $pkg (apt-get)"
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then return 0; fi
  local bin="$LIVESHOP_ROOT/.tools/bin"
  mkdir -p "$bin"
  if corepack enable --install-directory "$bin" pnpm >/dev/null 2>&1; then
    export PATH="$bin:$PATH"
    corepack prepare "pnpm@$PNPM_VERSION" --activate >/dev/null 2>&1 || true
  fi
  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    log "corepack could not provide pnpm; installing pnpm@$PNPM_VERSION with npm"
    npm install --silent --prefix "$LIVESHOP_ROOT/.tools/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
    ln -sf "$LIVESHOP_ROOT/.tools/pnpm/node_modules/.bin/pnpm" "$bin/pnpm"
    export PATH="$bin:$PATH"
  fi
  log "pnpm $(pnpm --version)"
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# The private Redis started when none answers at REDIS_URL: a fixed port and an append-only file in
# ./data/redis, so a later start (or a restart of the daemon) finds the data where it left it.
PRIVATE_REDIS_PORT="${LIVESHOP_PRIVATE_REDIS_PORT:-6390}"

# Uses the Redis at REDIS_URL when one answers; otherwise the private one, started when needed.
ensure_redis() {
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  local hostport="${REDIS_URL#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
  local host="${hostport%%:*}" port="${hostport##*:}"
  [ "$port" = "$hostport" ] && port=6379
  if tcp_open "$host" "$port"; then return 0; fi
  if ! tcp_open 127.0.0.1 "$PRIVATE_REDIS_PORT"; then
    ensure_apt redis-server redis-server
    local dir="$LIVESHOP_ROOT/data/redis"; mkdir -p "$dir"
    log "no Redis at $host:$port; starting a private redis-server on 127.0.0.1:$PRIVATE_REDIS_PORT (data in data/redis)"
    redis-server --port "$PRIVATE_REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
      --appendonly yes --appendfsync everysec --save "" --maxmemory-policy noeviction \
      --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 1 100); do tcp_open 127.0.0.1 "$PRIVATE_REDIS_PORT" && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$PRIVATE_REDIS_PORT"
}

# The PostgreSQL the suites that exercise the real server use (several processes, a restart):
# LIVESHOP_TEST_DATABASE_URL when set; else the local one on 127.0.0.1:5432 when it lets
# postgres in to database test without a password; else a throw-away server of this shell's own
# (LIVESHOP_PRIVATE_POSTGRES=1 asks for that one whatever answers on 5432).
ensure_postgres() {
  [ -n "${LIVESHOP_TEST_DATABASE_URL:-}" ] && return 0
  local local_url="postgres://postgres@127.0.0.1:5432/test"
  if [ -z "${LIVESHOP_PRIVATE_POSTGRES:-}" ] && tcp_open 127.0.0.1 5432; then
    if pg_usable "$local_url"; then export LIVESHOP_TEST_DATABASE_URL="$local_url"; return 0; fi
    log "the PostgreSQL on 127.0.0.1:5432 refuses $local_url; starting a private one"
  fi
  start_private_postgres
}

# Resolves (exit code) whether a connection to the URL opens, with the pg client the server uses.
pg_usable() {
  (cd "$LIVESHOP_ROOT/apps/server" && node -e '
    const client = new (require("pg").Client)({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.end()).then(() => process.exit(0), () => process.exit(1));
  ' "$1") >/dev/null 2>&1
}

# The folder of the server's programs (initdb, pg_ctl, createdb): Debian keeps them in
# /usr/lib/postgresql/<version>/bin, off PATH; an initdb on PATH may be a link to one of those.
postgres_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return 0; fi
  find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1
}

# initdb into a temporary folder (trust auth, superuser postgres), a server on a free loopback port
# with its socket in that folder, database test; stopped and removed when the shell exits.
# PostgreSQL refuses to run as root: as root, it runs as the postgres user the package creates.
start_private_postgres() {
  local bin; bin="$(postgres_bin)"
  if [ -z "$bin" ]; then
    ensure_apt initdb postgresql
    bin="$(postgres_bin)"
  fi
  local dir port
  dir="$(mktemp -d /tmp/liveshop-pg.XXXXXX)"
  port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  PRIVATE_POSTGRES_DIR="$dir" PRIVATE_POSTGRES_BIN="$bin"
  trap stop_private_postgres EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local as=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; as=(runuser -u postgres --); fi
  log "starting a private PostgreSQL on 127.0.0.1:$port (data in $dir)"
  (cd "$dir" && "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1) ||
    { cat "$dir/initdb.log" >&2; return 1; }
  (cd "$dir" && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -s \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start) || { cat "$dir/postgres.log" >&2; return 1; }
  "$bin/createdb" -h "$dir" -p "$port" -U postgres test
  export LIVESHOP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test"
}

stop_private_postgres() {
  [ -n "${PRIVATE_POSTGRES_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  if [ -f "$PRIVATE_POSTGRES_DIR/data/postmaster.pid" ]; then
    (cd "$PRIVATE_POSTGRES_DIR" && "${as[@]}" "$PRIVATE_POSTGRES_BIN/pg_ctl" -D "$PRIVATE_POSTGRES_DIR/data" -m fast -w -s stop) || true
  fi
  rm -rf "$PRIVATE_POSTGRES_DIR"
  PRIVATE_POSTGRES_DIR=""
}

ensure_deps() {
  ensure_pnpm
  (cd "$LIVESHOP_ROOT" && pnpm install --frozen-lockfile --reporter=silent)
}

# A drop rehearsal is thousands of sockets, one open file each in the server and in the load
# generator: lifts the soft open-file limit to the hard one (at most 65536) for what this shell
# starts. Only the soft limit moves, which needs no privileges.
raise_open_files() {
  local soft hard
  soft="$(ulimit -Sn)"; hard="$(ulimit -Hn)"
  [ "$hard" = unlimited ] && hard=65536
  [ "$hard" -gt 65536 ] && hard=65536
  if [ "$soft" != unlimited ] && [ "$soft" -lt "$hard" ]; then
    ulimit -Sn "$hard" 2>/dev/null || true
  fi
}
