#!/usr/bin/env bash
# The AiMesh benchmark: one run on this machine, every target behind the same mock upstream.
#
#   bench/run.sh                          all targets, 5 interleaved rounds
#   ROUNDS=1 SECONDS_PER_PHASE=3 bench/run.sh         a quick check that the harness works
#   TARGETS="nginx portkey" bench/run.sh  a subset
#
# Targets (each answers POST /v1/chat/completions with the mock upstream's fixed chat.completion):
#   nginx               nginx proxy_pass to the upstream over a keepalive pool: the ceiling of any proxy here
#   portkey             Portkey's gateway (npm @portkey-ai/gateway, pinned in bench/package-lock.json), as a peer
#   barebus             one MassTransit request/response over RabbitMQ behind Kestrel (bench/BareBus): the floor of
#                       AiMesh's architecture
#   aimesh-embedded     AiMesh in one process: $AIMESH_EMBEDDED_CMD
#   aimesh-policies     the same with rate limits and a budget on: $AIMESH_POLICIES_CMD (issue 5's policies-on ratio)
#   aimesh-3deployments the same with gpt-4o-mini served by three deployments drawn by weight: $AIMESH_GROUP_CMD
#                       (issue 6's "3 deployments vs 1" ratio, against aimesh-embedded)
#   aimesh-distributed  AiMesh as one process per service over RabbitMQ: $AIMESH_DISTRIBUTED_CMD
#
# Each round runs, per target in a rotating order: $CONNECTIONS connections for $SECONDS_PER_PHASE s (req/s, and CPU
# time per request from /proc of the target's process tree, plus RabbitMQ's for the bus targets), then 1 connection
# for $SECONDS_PER_PHASE s (p50, p99). The report quotes medians over rounds, with ratios to Portkey and to nginx.
# Output: bench/results/<stamp>.json and a markdown table on stdout; logs in bench/results/run-<stamp>/.
# A target that does not start or answer is reported as failed; the others are still measured.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")

ROUNDS=${ROUNDS:-5}
SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-10}
# Each target serves this long at $CONNECTIONS connections before the first round. .NET's tiered compilation (with
# dynamic PGO) takes about a minute of load to reach steady code on this machine (measured: the embedded mesh serves
# 600 req/s in its first 20 s, and after a 45 s warm-up its first round still ran 15 % below its second); Node's JIT
# warms within seconds. A gateway runs for days, so every target is measured warm.
WARMUP_SECONDS=${WARMUP_SECONDS:-90}
CONNECTIONS=${CONNECTIONS:-64}
# Two wrk threads: one thread could not saturate nginx here. The load generator shares the machine's cores with
# every target alike.
WRK_THREADS=${WRK_THREADS:-2}
TARGETS=${TARGETS:-"nginx portkey barebus aimesh-embedded aimesh-distributed"}
START_SECONDS=${START_SECONDS:-300} # AiMesh's start includes its Release build

UPSTREAM_PORT=9200
NGINX_PORT=9201
PORTKEY_PORT=8787
BAREBUS_PORT=9300
UPSTREAM=http://127.0.0.1:$UPSTREAM_PORT/v1

# AiMesh: how to start each mode and where it answers; adjust these as the gateway's configuration evolves.
AIMESH_EMBEDDED_URL=${AIMESH_EMBEDDED_URL:-http://127.0.0.1:8090}
AIMESH_EMBEDDED_CMD=${AIMESH_EMBEDDED_CMD:-"$ROOT/aimesh run --urls $AIMESH_EMBEDDED_URL"}
AIMESH_POLICIES_URL=${AIMESH_POLICIES_URL:-http://127.0.0.1:8091}
AIMESH_POLICIES_CMD=${AIMESH_POLICIES_CMD:-"$ROOT/aimesh run --urls $AIMESH_POLICIES_URL"}
AIMESH_GROUP_URL=${AIMESH_GROUP_URL:-http://127.0.0.1:8092}
AIMESH_GROUP_CMD=${AIMESH_GROUP_CMD:-"$ROOT/aimesh run --urls $AIMESH_GROUP_URL"}
AIMESH_DISTRIBUTED_URL=${AIMESH_DISTRIBUTED_URL:-http://127.0.0.1:8080}
AIMESH_DISTRIBUTED_CMD=${AIMESH_DISTRIBUTED_CMD:-"env AIMESH_MOCK_PROVIDER=0 $ROOT/aimesh distributed"}
AIMESH_BENCH_KEY=${AIMESH_BENCH_KEY:-sk-aimesh-bench}
export AIMESH_BENCH_KEY
# The gateway's configuration through the environment (both modes read it; the distributed mode passes the caller's
# environment to every service): one deployment on the mock upstream (an explicit deployment also turns the
# embedded quick start's in-process mock off) and one client key. The key sits at index 9 so it adds to the keys in
# appsettings.json instead of merging field by field into their entry 0.
export Router__Deployments__0__Name=${Router__Deployments__0__Name:-bench}
export Router__Deployments__0__Model=${Router__Deployments__0__Model:-gpt-4o-mini}
export Router__Deployments__0__Provider=${Router__Deployments__0__Provider:-openai}
export Router__Deployments__0__BaseUrl=${Router__Deployments__0__BaseUrl:-$UPSTREAM}
export Router__Deployments__0__Api__0=${Router__Deployments__0__Api__0:-chat.completions}
export Policy__Keys__9__Id=${Policy__Keys__9__Id:-bench}
export Policy__Keys__9__Principal=${Policy__Keys__9__Principal:-bench}
export Policy__Keys__9__Env=${Policy__Keys__9__Env:-AIMESH_BENCH_KEY}
export Policy__Keys__9__Models__0=${Policy__Keys__9__Models__0:-*}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$BENCH/results
RUN=$RESULTS/run-$STAMP
mkdir -p "$RUN/tmp"
RAW=$RUN/raw.tsv
: >"$RAW"
export WRK_BODY_FILE=$BENCH/chat-request.json

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

declare -A PID=() URL=() HEADERS=() STATUS=() BROKER=() DESCRIPTION=()

# ---------------------------------------------------------------- preparation
prepare() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v python3 >/dev/null || die "python3 is needed for CPU accounting and the report"
  if [[ " $TARGETS " == *" portkey "* ]] && [ ! -f "$BENCH/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
    log "installing Portkey's gateway (npm ci)"
    (cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error) >"$RUN/npm.log" 2>&1 || die "npm ci failed (see $RUN/npm.log)"
  fi
  if [[ " $TARGETS " == *" barebus "* ]]; then
    log "building bench/BareBus"
    dotnet build "$BENCH/BareBus/AiMesh.Bench.BareBus.csproj" -c Release -nologo -v quiet >"$RUN/barebus-build.log" 2>&1 ||
      die "bench/BareBus does not build (see $RUN/barebus-build.log)"
  fi
  if [[ " $TARGETS " == *" barebus "* || " $TARGETS " == *" aimesh-distributed "* ]]; then
    "$ROOT/scripts/infra.sh" up >/dev/null 2>"$RUN/infra.log" || die "infrastructure did not start (see $RUN/infra.log)"
  fi
}

# ---------------------------------------------------------------- processes
# start NAME COMMAND... and stop_all
# shellcheck source=lib/processes.sh
. "$BENCH/lib/processes.sh"

# One request as the benchmark sends it; succeeds when it is answered 200 with a chat.completion.
smoke() {
  local name=$1 args=(-sS -o "$RUN/$name.smoke" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json')
  local line
  while IFS= read -r line; do
    [ -n "$line" ] && args+=(-H "$line")
  done <<<"${HEADERS[$name]:-}"
  local code
  code=$(curl "${args[@]}" --data-binary "@$WRK_BODY_FILE" "${URL[$name]}" 2>/dev/null) || code=000
  [ "$code" = 200 ] && grep -q '"chat.completion"' "$RUN/$name.smoke"
}

wait_ready() {
  local name=$1 limit=$2 deadline=$((SECONDS + $2))
  until smoke "$name"; do
    if ! kill -0 "${PID[$name]}" 2>/dev/null; then
      STATUS[$name]="failed: exited before answering (see results/run-$STAMP/$name.log)"
      log "$name: ${STATUS[$name]}"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      STATUS[$name]="failed: no 200 chat.completion within ${limit} s (see results/run-$STAMP/$name.log and $name.smoke)"
      log "$name: ${STATUS[$name]}"
      # Stop it now so it cannot disturb the others' measurements.
      kill -TERM -- "-${PID[$name]}" 2>/dev/null || true
      return 0
    fi
    sleep 1
  done
  STATUS[$name]=ok
  log "$name: ready"
}

start_target() {
  local name=$1
  case "$name" in
    nginx)
      DESCRIPTION[$name]="nginx $(nginx -v 2>&1 | sed 's|.*nginx/||') proxy_pass, keepalive upstream"
      URL[$name]=http://127.0.0.1:$NGINX_PORT/v1/chat/completions
      start "$name" nginx -p "$RUN/" -c "$BENCH/nginx/proxy.conf" -e "$RUN/nginx.stderr"
      wait_ready "$name" 20
      ;;
    portkey)
      DESCRIPTION[$name]="Portkey gateway $(node -p "require('$BENCH/node_modules/@portkey-ai/gateway/package.json').version" 2>/dev/null || echo '?') on Node $(node --version)"
      URL[$name]=http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions
      HEADERS[$name]=$(printf 'x-portkey-provider: openai\nx-portkey-custom-host: %s\nAuthorization: Bearer %s' "$UPSTREAM" "$AIMESH_BENCH_KEY")
      # --headless: no log-streaming UI; production: no static file routes. Its default answers 127.0.0.1 hosts.
      start "$name" env NODE_ENV=production node "$BENCH/node_modules/@portkey-ai/gateway/build/start-server.js" \
        --port=$PORTKEY_PORT --headless
      wait_ready "$name" 60
      ;;
    barebus)
      DESCRIPTION[$name]="MassTransit request/response over RabbitMQ, one process"
      BROKER[$name]=1
      URL[$name]=http://127.0.0.1:$BAREBUS_PORT/v1/chat/completions
      start "$name" dotnet "$BENCH/BareBus/bin/Release/net10.0/AiMesh.Bench.BareBus.dll" \
        --urls "http://127.0.0.1:$BAREBUS_PORT" --BareBus:Upstream="$UPSTREAM/" \
        --BareBus:RabbitMq="${AIMESH_TEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"
      wait_ready "$name" 60
      ;;
    aimesh-embedded)
      DESCRIPTION[$name]="AiMesh, one process, in-memory bus"
      URL[$name]=$AIMESH_EMBEDDED_URL/v1/chat/completions
      HEADERS[$name]="Authorization: Bearer $AIMESH_BENCH_KEY"
      start "$name" bash -c "$AIMESH_EMBEDDED_CMD"
      wait_ready "$name" "$START_SECONDS"
      ;;
    aimesh-policies)
      # The embedded mesh with every policy on: a rate limit of each kind and a monthly budget on the bench key,
      # set far above what the run can use (each request is still charged, reserved, settled and released), on its
      # own SQLite files. Its ratio to aimesh-embedded is issue 5's "policies on vs off" (auth and usage events are
      # never off in AiMesh: both targets pay for them).
      DESCRIPTION[$name]="AiMesh, one process, in-memory bus, rate limits and a budget on"
      URL[$name]=$AIMESH_POLICIES_URL/v1/chat/completions
      HEADERS[$name]="Authorization: Bearer $AIMESH_BENCH_KEY"
      start "$name" env \
        "Policy__Database__ConnectionString=Data Source=data/bench-policies-policy.db" \
        "Metering__Database__ConnectionString=Data Source=data/bench-policies-metering.db" \
        Policy__Limits__Rules__0__Scope=Key Policy__Limits__Rules__0__Match=bench \
        Policy__Limits__Rules__0__RequestsPerSecond=1000000 Policy__Limits__Rules__0__RequestsPerMinute=100000000 \
        Policy__Limits__Rules__0__TokensPerMinute=2000000000 Policy__Limits__Rules__0__Concurrent=100000 \
        Policy__Budgets__Rules__0__Scope=Key Policy__Budgets__Rules__0__Match=bench \
        Policy__Budgets__Rules__0__Period=Month Policy__Budgets__Rules__0__Amount=1000000000 Policy__Budgets__Rules__0__Hard=true \
        Policy__Budgets__Prices__gpt-4o-mini__Input=0.15 Policy__Budgets__Prices__gpt-4o-mini__Output=0.6 \
        bash -c "$AIMESH_POLICIES_CMD"
      wait_ready "$name" "$START_SECONDS"
      ;;
    aimesh-3deployments)
      # The embedded mesh with two more deployments of gpt-4o-mini on the same upstream and the weighted strategy:
      # every call is drawn among three (the model group, its stats, the circuit breakers and the health reports all
      # at work). Its ratio to aimesh-embedded is issue 6's "routing across 3 deployments vs 1".
      DESCRIPTION[$name]="AiMesh, one process, in-memory bus, three deployments per model (weighted)"
      URL[$name]=$AIMESH_GROUP_URL/v1/chat/completions
      HEADERS[$name]="Authorization: Bearer $AIMESH_BENCH_KEY"
      start "$name" env \
        "Policy__Database__ConnectionString=Data Source=data/bench-group-policy.db" \
        "Metering__Database__ConnectionString=Data Source=data/bench-group-metering.db" \
        Router__Deployments__1__Name=bench-2 Router__Deployments__1__Model=gpt-4o-mini Router__Deployments__1__Provider=openai \
        Router__Deployments__1__BaseUrl=$UPSTREAM Router__Deployments__1__Api__0=chat.completions \
        Router__Deployments__2__Name=bench-3 Router__Deployments__2__Model=gpt-4o-mini Router__Deployments__2__Provider=openai \
        Router__Deployments__2__BaseUrl=$UPSTREAM Router__Deployments__2__Api__0=chat.completions \
        Router__Models__gpt-4o-mini__Strategy=weighted \
        bash -c "$AIMESH_GROUP_CMD"
      wait_ready "$name" "$START_SECONDS"
      ;;
    aimesh-distributed)
      DESCRIPTION[$name]="AiMesh, a process per service over RabbitMQ"
      BROKER[$name]=1
      URL[$name]=$AIMESH_DISTRIBUTED_URL/v1/chat/completions
      HEADERS[$name]="Authorization: Bearer $AIMESH_BENCH_KEY"
      start "$name" bash -c "$AIMESH_DISTRIBUTED_CMD"
      wait_ready "$name" "$START_SECONDS"
      ;;
    *)
      die "unknown target $name (known: nginx portkey barebus aimesh-embedded aimesh-policies aimesh-3deployments aimesh-distributed)"
      ;;
  esac
}

# ---------------------------------------------------------------- measuring
wrk_run() {
  local name=$1 threads=$2 connections=$3 seconds=$4
  WRK_HEADERS=${HEADERS[$name]:-} wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s \
    -s "$BENCH/wrk/chat.lua" "${URL[$name]}" 2>&1 | tee -a "$RUN/wrk.log" | grep '^WRK_RESULT' || echo "FAILED wrk printed no result"
}

cpu_of() { python3 "$BENCH/lib/cputime.py" tree "${PID[$1]}"; }
broker_cpu() { python3 "$BENCH/lib/cputime.py" user rabbitmq; }

measure() {
  local round=$1 name=$2 c0 c1 b0 b1 load result
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== round $round $name load ${CONNECTIONS}c" >>"$RUN/wrk.log"
  c0=$(cpu_of "$name")
  b0=$(broker_cpu)
  result=$(wrk_run "$name" "$WRK_THREADS" "$CONNECTIONS" "$SECONDS_PER_PHASE")
  c1=$(cpu_of "$name")
  b1=$(broker_cpu)
  printf '%s\t%s\tload\t%s\t%s\t%s\t%s\n' "$round" "$name" "$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.3f", b-a}')" \
    "$(awk -v a="$b0" -v b="$b1" 'BEGIN{printf "%.3f", b-a}')" "$load" "$result" >>"$RAW"

  echo "== round $round $name latency 1c" >>"$RUN/wrk.log"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  result=$(wrk_run "$name" 1 1 "$SECONDS_PER_PHASE")
  printf '%s\t%s\tlatency\t0\t0\t%s\t%s\n' "$round" "$name" "$load" "$result" >>"$RAW"
  log "round $round $name: $(tail -n 2 "$RAW" | cut -f7 | sed 's/WRK_RESULT //' | paste -sd'|' -)"
}

machine_json() {
  AIMESH_ROOT=$ROOT python3 - "$@" <<'PY'
import json, os, platform, subprocess, sys

def out(cmd):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # nginx -v and a few others print their version on stderr.
    return done.stdout.strip() or done.stderr.strip()

def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()

def mem_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)

stamp, rounds, seconds, connections, threads = sys.argv[1:6]
print(json.dumps({
    "stamp": stamp, "rounds": int(rounds), "seconds_per_phase": int(seconds), "connections": int(connections),
    "wrk_threads": int(threads),
    "cores": os.cpu_count(), "cpu": cpu_model(), "memory_gib": mem_gib(), "kernel": platform.release(),
    "os": out(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    "commit": out(["git", "-C", os.environ["AIMESH_ROOT"], "rev-parse", "--short", "HEAD"]),
    # AiMesh is built from the work tree: say when that differs from the commit.
    "uncommitted_changes": bool(out(["git", "-C", os.environ["AIMESH_ROOT"], "status", "--porcelain", "--untracked-files=no"])),
    "dotnet": out(["dotnet", "--version"]), "node": out(["node", "--version"]),
    "packages": out(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", "nginx", "wrk", "rabbitmq-server", "erlang-base"]),
}, indent=2))
PY
}

# ---------------------------------------------------------------- main
read -r -a TARGET_LIST <<<"$TARGETS"
prepare

trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "results in ${RUN#"$ROOT"/}"
start mock-upstream nginx -p "$RUN/" -c "$BENCH/nginx/mock-upstream.conf" -e "$RUN/mock-upstream.stderr"
deadline=$((SECONDS + 10))
until curl -fs -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/health"; do
  [ "$SECONDS" -ge "$deadline" ] && die "the nginx mock upstream did not start (see $RUN/mock-upstream.stderr)"
  sleep 0.2
done

# One at a time: the two AiMesh modes build the same projects, and a start must not overlap another's measurement.
for name in "${TARGET_LIST[@]}"; do
  log "starting $name"
  start_target "$name"
done

READY=()
for name in "${TARGET_LIST[@]}"; do
  [ "${STATUS[$name]}" = ok ] && READY+=("$name")
done
if [ ${#READY[@]} -gt 0 ]; then
  for name in "${READY[@]}"; do
    log "warming up $name (${WARMUP_SECONDS} s)"
    WRK_HEADERS=${HEADERS[$name]:-} wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" --timeout 10s \
      -s "$BENCH/wrk/chat.lua" "${URL[$name]}" >>"$RUN/warmup.log" 2>&1 || true
  done
  for ((round = 1; round <= ROUNDS; round++)); do
    # Rotate the order each round so no target always runs right after the same neighbour.
    n=${#READY[@]}
    for ((i = 0; i < n; i++)); do
      name=${READY[$(((i + round - 1) % n))]}
      measure "$round" "$name"
    done
  done
fi

TARGETS_TSV=$RUN/targets.tsv
: >"$TARGETS_TSV"
for name in "${TARGET_LIST[@]}"; do
  printf '%s\t%s\t%s\t%s\n' "$name" "${STATUS[$name]}" "${BROKER[$name]:-0}" "${DESCRIPTION[$name]:-}" >>"$TARGETS_TSV"
done
machine_json "$STAMP" "$ROUNDS" "$SECONDS_PER_PHASE" "$CONNECTIONS" "$WRK_THREADS" >"$RUN/machine.json"
python3 "$BENCH/lib/report.py" "$RAW" "$TARGETS_TSV" "$RUN/machine.json" "$RESULTS/$STAMP.json" | tee "$RUN/table.md"
log "wrote ${RESULTS#"$ROOT"/}/$STAMP.json"
