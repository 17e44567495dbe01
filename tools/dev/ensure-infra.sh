#!/usr/bin/env bash
# Makes PostgreSQL (127.0.0.1:5432), NATS with JetStream (127.0.0.1:4222) and Redis (127.0.0.1:6379)
# reachable, in this order of preference for each:
#   1. one already running on the port is used as it is;
#   2. one installed from Debian's packages is started (the same commands the machines use);
#   3. as root on Debian, the packages are installed (postgresql, nats-server, redis-server) and started.
# A PostgreSQL that asks 127.0.0.1 for a password gets trust lines for 127.0.0.1 and ::1 in its
# pg_hba.conf (root only, marked "supra dev"): the development database is reached as
# postgres://postgres@127.0.0.1:5432 without a secret to keep. Never use that on a shared host.
# Quiet when everything is up; exits non-zero with what to do when it cannot proceed.
# SUPRA_SKIP_INFRA=1 skips everything (you point DATABASE_URL / NATS_URL / REDIS_URL elsewhere).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SUPRA_ROOT"

[ "${SUPRA_SKIP_INFRA:-}" = "1" ] && exit 0

PG_PORT=5432 NATS_PORT=4222 REDIS_PORT=6379

can_install() { is_root && is_debian; }

# ---- PostgreSQL ----------------------------------------------------------------------------
pg_cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -1; }

pg_ok() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1 || port_open "$PG_PORT"; }

pg_trust_local() {
  local ver hba
  ver="$(pg_cluster_version)"
  hba="/etc/postgresql/$ver/main/pg_hba.conf"
  [ -n "$ver" ] && [ -w "$hba" ] || return 1
  grep -q 'supra dev' "$hba" && return 1
  say "PostgreSQL asks 127.0.0.1 for a password: adding trust for 127.0.0.1 and ::1 to $hba (development only)"
  local tmp
  tmp="$(mktemp)"
  {
    echo "# supra dev: trust local TCP connections (added by tools/dev/ensure-infra.sh)"
    echo "host all all 127.0.0.1/32 trust"
    echo "host all all ::1/128 trust"
    cat "$hba"
  } >"$tmp"
  cat "$tmp" >"$hba" && rm -f "$tmp"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >/dev/null 2>&1 || true
  sleep 1
}

pg_login_ok() {
  # psql is the Debian client; without it the Node check at the end still verifies the login.
  command -v psql >/dev/null 2>&1 || return 0
  PGCONNECT_TIMEOUT=3 psql -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

ensure_postgres() {
  if ! pg_ok; then
    if [ -z "$(pg_cluster_version)" ]; then
      can_install || die "PostgreSQL is not reachable on 127.0.0.1:$PG_PORT and not installed; install PostgreSQL 15 (sudo apt-get install postgresql) or set SUPRA_SKIP_INFRA=1 and point DATABASE_URL elsewhere"
      apt_install postgresql
    fi
    local ver
    ver="$(pg_cluster_version)"
    [ -n "$ver" ] || die "PostgreSQL installed but no cluster under /etc/postgresql (create one: pg_createcluster 15 main)"
    say "starting PostgreSQL $ver"
    if is_root; then
      pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1 || true
    else
      pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true
    fi
    wait_port "$PG_PORT" 30 || die "PostgreSQL did not start on 127.0.0.1:$PG_PORT (see /var/log/postgresql/postgresql-$ver-main.log)"
    for _ in $(seq 1 25); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 1 >/dev/null 2>&1 && break; sleep 0.2; done
  fi
  if ! pg_login_ok; then
    if is_root && pg_trust_local && pg_login_ok; then
      return 0
    fi
    die "cannot log in to PostgreSQL at 127.0.0.1:$PG_PORT as postgres without a password; allow it (pg_hba.conf: host all all 127.0.0.1/32 trust) or set SUPRA_SKIP_INFRA=1 with DATABASE_URL and SUPRA_TEST_DATABASE_URL carrying the password"
  fi
}

# ---- NATS ----------------------------------------------------------------------------------
# The server's first protocol line (INFO {...}) says whether JetStream is enabled: no client needed.
nats_info() {
  local line=""
  exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT" || return 1
  IFS= read -r -t 3 line <&3 || true
  exec 3<&- 3>&-
  printf '%s' "$line"
}

ensure_nats() {
  if ! port_open "$NATS_PORT"; then
    if [ ! -x /usr/sbin/nats-server ]; then
      can_install || die "NATS is not reachable on 127.0.0.1:$NATS_PORT and not installed; install it (sudo apt-get install nats-server) and run it with -js"
      apt_install nats-server
    fi
    is_root || die "NATS is installed but not running; start it: nats-server -a 127.0.0.1 -p $NATS_PORT -js -sd <dir>"
    say "starting nats-server with JetStream"
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    wait_port "$NATS_PORT" 20 || die "nats-server did not start (see /var/log/nats-server.log)"
  fi
  local info
  info="$(nats_info)"
  case "$info" in
    INFO*'"jetstream":true'*) ;;
    INFO*) die "the NATS server on 127.0.0.1:$NATS_PORT runs without JetStream; restart it with -js (nats-server -a 127.0.0.1 -p $NATS_PORT -js -sd /var/lib/nats-server)" ;;
    *) die "something on 127.0.0.1:$NATS_PORT does not speak NATS" ;;
  esac
}

# ---- Redis ---------------------------------------------------------------------------------
ensure_redis() {
  port_open "$REDIS_PORT" && return 0
  if ! command -v redis-server >/dev/null 2>&1; then
    can_install || die "Redis is not reachable on 127.0.0.1:$REDIS_PORT and not installed; install it (sudo apt-get install redis-server)"
    apt_install redis-server
  fi
  say "starting redis-server"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp --logfile "${TMPDIR:-/tmp}/supra-redis.log" >/dev/null
  wait_port "$REDIS_PORT" 20 || die "redis-server did not start (see ${TMPDIR:-/tmp}/supra-redis.log)"
}

ensure_postgres
ensure_nats
ensure_redis

# With the Node dependencies present, check each service the way the services use it
# (a PostgreSQL login and query, the JetStream account info, a Redis PING).
if [ -d node_modules/@swc-node/register ]; then
  node -r @swc-node/register tools/dev/infra-check.ts || die "infrastructure check failed (above)"
fi
