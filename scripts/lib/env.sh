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
