#!/usr/bin/env bash
# What the test suite needs from the machine, installed or started only when missing:
# Debian's chromium (Playwright drives it; a browser download is impossible), poppler-utils and fonts
# (PDFs are read back), a PostgreSQL server on 127.0.0.1:5432 (each test file makes its own database),
# and a Redis server on 127.0.0.1:6379 (the throttle's optional store; keeps nothing on disk).
# Runs before `npm test` (pretest) and from .ci/run.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "ensure-system: need root to run: $*" >&2; exit 1
  fi
}

missing=()
for pkg in chromium poppler-utils fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if ((${#missing[@]})); then
  echo "ensure-system: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# A Redis named by TEST_REDIS_URL is the caller's to run.
if [ -z "${TEST_REDIS_URL:-}" ] && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "ensure-system: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# A server named by TEST_DATABASE_SERVER elsewhere is the caller's to run.
server="${TEST_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432/postgres}"
case "$server" in
  *@127.0.0.1:5432/* | *@localhost:5432/*) ;;
  *) exit 0 ;;
esac
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "ensure-system: starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
