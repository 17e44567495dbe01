# Shared helpers for tools/dev/*.sh (sourced, never run). Messages go to stderr so that callers
# can capture stdout; every helper is safe to call twice.

SUPRA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SUPRA_ROOT

say()  { printf '[supra] %s\n' "$*" >&2; }
warn() { printf '[supra] WARNING: %s\n' "$*" >&2; }
die()  { printf '[supra] ERROR: %s\n' "$*" >&2; exit 1; }

is_root()   { [ "$(id -u)" = "0" ]; }
is_debian() { [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }

# apt-get update runs at most once per process tree (it is slow and needs the network).
apt_install() {
  if [ -z "${SUPRA_APT_UPDATED:-}" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    export SUPRA_APT_UPDATED=1
  fi
  say "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp: no nc or curl needed).
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

# Waits up to $2 seconds (default 30) for port $1.
wait_port() {
  local port="$1" secs="${2:-30}" i
  for ((i = 0; i < secs * 5; i++)); do
    port_open "$port" && return 0
    sleep 0.2
  done
  return 1
}

# Runs a command and prints how long it took; the exit status is the command's.
timed() {
  local label="$1" t0 rc
  shift
  t0=$(date +%s)
  set +e
  "$@"
  rc=$?
  set -e
  printf '[supra] %s: %ss (exit %s)\n' "$label" "$(($(date +%s) - t0))" "$rc" >&2
  return "$rc"
}
