#!/usr/bin/env bash
# Local infrastructure for tests and the distributed mode: RabbitMQ, PostgreSQL and Redis from Debian's packages,
# started without systemd (CI machines and developer containers have none). Idempotent: `up` on a machine where they
# already run only checks them and makes sure the aimesh role and database exist.
#
#   scripts/infra.sh up       install what is missing (apt-get), start, wait until ready, print the test env vars
#   scripts/infra.sh install  only install what is missing (for building a machine image ahead of time)
#   scripts/infra.sh status   say what runs; exit 1 if anything does not
#   scripts/infra.sh down     stop all three
set -euo pipefail

PG_VERSION=${AIMESH_PG_VERSION:-15}
PG_CLUSTER=main
RABBIT_WAIT_SECONDS=${AIMESH_RABBIT_WAIT_SECONDS:-90}
PG_WAIT_SECONDS=${AIMESH_PG_WAIT_SECONDS:-30}
REDIS_WAIT_SECONDS=${AIMESH_REDIS_WAIT_SECONDS:-15}

DEFAULT_POSTGRES="Host=127.0.0.1;Port=5432;Username=aimesh;Password=aimesh;Database=aimesh"
DEFAULT_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_REDIS="127.0.0.1:6379"

log() { printf 'infra: %s\n' "$*" >&2; }
die() { printf 'infra: error: %s\n' "$*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts services as their own users)"
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, so no extra tool is needed).
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_missing() {
  local missing=()
  installed rabbitmq-server || missing+=(rabbitmq-server)
  installed "postgresql-$PG_VERSION" || missing+=("postgresql-$PG_VERSION")
  installed postgresql-client-common || missing+=(postgresql-client-common)
  installed redis-server || missing+=(redis-server)
  installed redis-tools || missing+=(redis-tools)
  [ ${#missing[@]} -eq 0 ] && return 0

  log "installing ${missing[*]} (apt-get; a few minutes on a fresh machine)"
  # Keep the packages' maintainer scripts from starting the services through init scripts: this script starts
  # them itself, the same way on every machine. Docker-style images already ship such a policy-rc.d; leave theirs.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
  fi
  local started=$SECONDS rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq &&
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  } || rc=$?
  [ "$own_policy" = 1 ] && rm -f "$policy"
  [ "$rc" = 0 ] || die "apt-get install ${missing[*]} failed (exit $rc)"
  log "installed in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- RabbitMQ
rabbit_ping() {
  timeout 20 rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

# Starts the node if nothing listens on 5672; returns at once (the Erlang VM takes ~10 s to boot).
rabbit_start() {
  if port_open 5672; then
    log "rabbitmq: already listening"
    return 0
  fi
  log "rabbitmq: starting"
  # The Debian wrapper runs the node as the rabbitmq user; -detached returns once the VM is forked.
  rabbitmq-server -detached >/dev/null 2>&1 || true
}

rabbit_wait() {
  local deadline=$((SECONDS + RABBIT_WAIT_SECONDS))
  until port_open 5672 && rabbit_ping; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 /var/log/rabbitmq/startup_err /var/log/rabbitmq/startup_log 2>/dev/null >&2 || true
      die "rabbitmq did not become ready on 127.0.0.1:5672 within ${RABBIT_WAIT_SECONDS} s (logs: /var/log/rabbitmq/)"
    fi
    sleep 1
  done
  log "rabbitmq: ready"
}

rabbit_down() {
  if port_open 5672 || rabbit_ping; then
    log "rabbitmq: stopping"
    timeout 60 rabbitmqctl -q shutdown >/dev/null 2>&1 || timeout 60 rabbitmqctl -q stop >/dev/null 2>&1 || true
  fi
  port_open 5672 && die "rabbitmq still listens on 5672 after shutdown"
  # The Erlang port mapper outlives the node; stop it too so `down` leaves nothing behind.
  timeout 10 epmd -kill >/dev/null 2>&1 || true
  log "rabbitmq: stopped"
}

rabbit_status() {
  if port_open 5672 && rabbit_ping; then echo "rabbitmq:   running (127.0.0.1:5672)"; return 0; fi
  echo "rabbitmq:   not running"; return 1
}

# ---------------------------------------------------------------- PostgreSQL
pg_running() {
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1
}

as_postgres() {
  # runuser keeps this working where su needs a password or a login shell.
  (cd / && runuser -u postgres -- "$@")
}

pg_up() {
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {found=1} END {exit !found}'; then
    log "postgres: creating cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port 5432 >/dev/null
  fi
  # pg_createcluster picks the next free port when 5432 is taken at install time; the documented address wins.
  local port
  port=$(pg_conftool "$PG_VERSION" "$PG_CLUSTER" show port 2>/dev/null | grep -o '[0-9]*' || true)
  if [ "$port" != 5432 ]; then
    log "postgres: cluster $PG_VERSION/$PG_CLUSTER is set to port ${port:-?}; setting 5432"
    pg_conftool "$PG_VERSION" "$PG_CLUSTER" set port 5432
    if pg_running; then
      pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" restart -m fast
    fi
  fi
  if pg_running; then
    log "postgres: already running"
  else
    log "postgres: starting"
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start ||
      die "pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed (log: /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log)"
  fi
  local deadline=$((SECONDS + PG_WAIT_SECONDS))
  until pg_isready -q -h 127.0.0.1 -p 5432; do
    [ "$SECONDS" -ge "$deadline" ] && die "postgres did not accept connections on 127.0.0.1:5432 within ${PG_WAIT_SECONDS} s"
    sleep 1
  done

  # Role and database, idempotently. The password is set every time so a role made by hand ends up as documented.
  as_postgres psql -q -v ON_ERROR_STOP=1 -p 5432 -d postgres <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aimesh') THEN
    CREATE ROLE aimesh LOGIN CREATEDB PASSWORD 'aimesh';
  ELSE
    ALTER ROLE aimesh LOGIN CREATEDB PASSWORD 'aimesh';
  END IF;
END
$$;
-- The tests drop their databases WITH (FORCE), which must end every session on them, an autovacuum worker's
-- included: without this, a drop that met autovacuum at work failed ("must be a member of the role whose process
-- is being terminated or member of pg_signal_backend").
GRANT pg_signal_backend TO aimesh;
SQL
  if [ "$(as_postgres psql -tAq -p 5432 -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'aimesh'")" != 1 ]; then
    # Two concurrent `up`s may both get here; the loser's "already exists" is fine.
    as_postgres createdb -p 5432 -O aimesh aimesh 2>/dev/null ||
      [ "$(as_postgres psql -tAq -p 5432 -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'aimesh'")" = 1 ] ||
      die "could not create database aimesh"
  fi
  # Prove the documented connection works over TCP with a password, as the tests will use it.
  PGPASSWORD=aimesh psql -q -h 127.0.0.1 -p 5432 -U aimesh -d aimesh -tAc 'SELECT 1' >/dev/null ||
    die "cannot log in as aimesh/aimesh over TCP on 127.0.0.1:5432 (check pg_hba.conf for md5/scram on 127.0.0.1/32)"
  log "postgres: ready (role aimesh, database aimesh)"
}

pg_down() {
  if pg_running; then
    log "postgres: stopping"
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" stop -m fast
  fi
  log "postgres: stopped"
}

pg_status() {
  if pg_running && pg_isready -q -h 127.0.0.1 -p 5432; then echo "postgres:   running (127.0.0.1:5432)"; return 0; fi
  echo "postgres:   not running"; return 1
}

# ---------------------------------------------------------------- Redis
redis_ping() {
  [ "$(timeout 5 redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]
}

redis_up() {
  if redis_ping; then
    log "redis: already running"
    return 0
  fi
  log "redis: starting"
  # No persistence: it serves tests and the local mesh, and a dump.rdb must not land in the caller's directory.
  local dir=/var/lib/redis logfile=/var/log/redis/redis-server.log
  [ -d "$dir" ] || { dir=$(mktemp -d); logfile=""; }
  [ -d /var/log/redis ] || logfile=""
  local args=(--daemonize yes --bind 127.0.0.1 --port 6379 --dir "$dir" --save "" --appendonly no)
  [ -n "$logfile" ] && args+=(--logfile "$logfile")
  if id redis >/dev/null 2>&1 && [ "$dir" = /var/lib/redis ]; then
    runuser -u redis -- redis-server "${args[@]}" || die "redis-server failed to start"
  else
    redis-server "${args[@]}" || die "redis-server failed to start"
  fi
  local deadline=$((SECONDS + REDIS_WAIT_SECONDS))
  until redis_ping; do
    [ "$SECONDS" -ge "$deadline" ] && die "redis did not answer PING on 127.0.0.1:6379 within ${REDIS_WAIT_SECONDS} s"
    sleep 0.2
  done
  log "redis: ready"
}

redis_down() {
  if redis_ping; then
    log "redis: stopping"
    timeout 10 redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true
  fi
  redis_ping && die "redis still answers after shutdown"
  log "redis: stopped"
}

redis_status() {
  if redis_ping; then echo "redis:      running (127.0.0.1:6379)"; return 0; fi
  echo "redis:      not running"; return 1
}

print_env() {
  echo "AIMESH_TEST_POSTGRES=${AIMESH_TEST_POSTGRES:-$DEFAULT_POSTGRES}"
  echo "AIMESH_TEST_RABBITMQ=${AIMESH_TEST_RABBITMQ:-$DEFAULT_RABBITMQ}"
  echo "AIMESH_TEST_REDIS=${AIMESH_TEST_REDIS:-$DEFAULT_REDIS}"
}

case "${1:-}" in
  up)
    need_root
    install_missing
    # RabbitMQ first: the other two come up while its Erlang VM boots.
    rabbit_start
    redis_up
    pg_up
    rabbit_wait
    print_env
    ;;
  install)
    need_root
    install_missing
    ;;
  down)
    need_root
    rabbit_down
    pg_down
    redis_down
    ;;
  status)
    rc=0
    rabbit_status || rc=1
    pg_status || rc=1
    redis_status || rc=1
    print_env
    exit "$rc"
    ;;
  *)
    echo "usage: $0 up|down|status|install" >&2
    exit 2
    ;;
esac
