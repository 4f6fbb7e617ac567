#!/usr/bin/env bash
# Streamed answers through AiMesh, end to end: how much a chunk's trip through the mesh costs, per way the chunks can
# travel from router to ingress, against the client reading the provider directly.
#
#   bench/mesh-streams.sh                                 5 interleaved rounds
#   ROUNDS=1 PACED_STREAMS=2 BURST_SECONDS=2 bench/mesh-streams.sh   a quick check of the harness
#
# The upstream is AiMesh's mock provider with scenario stamp=1: every streamed text chunk carries the mock's monotonic
# clock reading when it was written, and the client (bench/MeshStreams) reads the same clock on arrival, so each
# chunk's latency from the provider's write to the client's read is measured, not inferred from gaps.
#
# Targets:
#   direct               the client reads the mock itself: the floor (mock + client on this machine)
#   embedded             AiMesh in one process: chunks handed from router to ingress in process
#   distributed-channel  a process per service over RabbitMQ; chunks on the direct stream channel (HTTP), the final
#                        answer by bus
#   distributed-bus      the same routers, policy, prompts and metering, through a second ingress that has no channel
#                        key: chunks as CompletionChunk messages over RabbitMQ (the design before the channel)
# Upstreams (the provider format the router translates from): openai (chat.completion.chunk) and anthropic (Messages
# stream events). The client always speaks OpenAI to AiMesh.
#
# Per round, for every target and upstream in a rotating order:
#   paced  $PACED_STREAMS streams one after another on one connection, $TOKENS chunks each, one every $PACE_MS ms:
#          per-chunk latency p50 / p99 / max
#   burst  $CONNECTIONS connections streaming back to back for $BURST_SECONDS s (no pacing): chunks/s, and CPU time per
#          chunk of the target's processes plus RabbitMQ's (every process of its user) for the distributed targets
#   translate  (after the rounds) the router's decoder and translator alone over one fetched upstream stream, on one
#          thread: CPU per chunk, set against each target's CPU per chunk
# The report quotes medians over rounds. Output: a markdown table on stdout, bench/results/mesh-streams-<stamp>.json,
# logs in bench/results/mesh-streams-<stamp>/.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")

ROUNDS=${ROUNDS:-5}
PACED_STREAMS=${PACED_STREAMS:-5}
TOKENS=${TOKENS:-200}
PACE_MS=${PACE_MS:-5}
BURST_SECONDS=${BURST_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP_SECONDS=${WARMUP_SECONDS:-3}
TARGETS=${TARGETS:-"direct embedded distributed-channel distributed-bus"}
UPSTREAMS=${UPSTREAMS:-"openai anthropic"}
START_SECONDS=${START_SECONDS:-300}

MOCK_PORT=9210
EMBEDDED_PORT=8090
CHANNEL_PORT=8080
BUS_PORT=8088
MOCK=http://127.0.0.1:$MOCK_PORT

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$BENCH/results
RUN=$RESULTS/mesh-streams-$STAMP
mkdir -p "$RUN"
RAW=$RUN/raw.tsv
: >"$RAW"
CLIENT=$BENCH/MeshStreams/bin/Release/net10.0/AiMesh.Bench.MeshStreams.dll

log() { printf '[mesh-streams %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

export AIMESH_BENCH_KEY=${AIMESH_BENCH_KEY:-sk-aimesh-bench}
# The mock takes any provider key; native providers' adapters refuse to start without one.
export AIMESH_BENCH_PROVIDER_KEY=${AIMESH_BENCH_PROVIDER_KEY:-sk-mock-provider}
# Four deployments on the mock: {paced, burst} x {openai, anthropic}. An explicit deployment also turns the embedded
# quick start's in-process mock off. The key sits at index 9 so it adds to appsettings.json's keys.
i=0
for upstream in openai anthropic; do
  for phase in paced burst; do
    scenario="stamp=1;tokens=$TOKENS"
    [ "$phase" = paced ] && scenario="$scenario;pace=$PACE_MS"
    export "Router__Deployments__${i}__Name=bench-$phase-$upstream"
    export "Router__Deployments__${i}__Model=bench-$phase-$upstream"
    export "Router__Deployments__${i}__Provider=$upstream"
    export "Router__Deployments__${i}__BaseUrl=$MOCK/s/$scenario/v1"
    export "Router__Deployments__${i}__Api__0=chat.completions"
    export "Router__Deployments__${i}__ApiKeyEnv=AIMESH_BENCH_PROVIDER_KEY"
    i=$((i + 1))
  done
done
export Policy__Keys__9__Id=bench Policy__Keys__9__Principal=bench Policy__Keys__9__Env=AIMESH_BENCH_KEY Policy__Keys__9__Models__0='*'
export AIMESH_CHANNEL_KEY=${AIMESH_CHANNEL_KEY:-$(head -c 32 /dev/urandom | base64)}

declare -A PID=() URL=() STATUS=()

# start NAME COMMAND... and stop_all
# shellcheck source=lib/processes.sh
. "$BENCH/lib/processes.sh"

# url_of TARGET UPSTREAM PHASE: the client's URL and model for one measurement.
url_of() {
  local target=$1 upstream=$2 phase=$3
  if [ "$target" = direct ]; then
    local scenario="stamp=1;tokens=$TOKENS"
    [ "$phase" = paced ] && scenario="$scenario;pace=$PACE_MS"
    if [ "$upstream" = anthropic ]; then echo "$MOCK/s/$scenario/v1/messages"; else echo "$MOCK/s/$scenario/v1/chat/completions"; fi
  else
    echo "${URL[$target]}"
  fi
}

run_client() {
  local target=$1 upstream=$2 phase=$3 seconds=$4
  local format=openai
  [ "$target" = direct ] && [ "$upstream" = anthropic ] && format=anthropic
  dotnet "$CLIENT" --mode "$phase" --url "$(url_of "$target" "$upstream" "$phase")" --key "$AIMESH_BENCH_KEY" \
    --model "bench-$phase-$upstream" --format "$format" --streams "$PACED_STREAMS" --connections "$CONNECTIONS" \
    --seconds "$seconds" 2>>"$RUN/client.log" || echo '{"failed":true}'
}

# CPU seconds of what serves a target (the mock is not counted: it is the same for every target).
cpu_of() {
  case "$1" in
    direct) echo 0 ;;
    embedded) python3 "$BENCH/lib/cputime.py" tree "${PID[embedded]}" ;;
    distributed-*) python3 "$BENCH/lib/cputime.py" tree "${PID[distributed]}" "${PID[bus-ingress]}" ;;
  esac
}
broker_cpu() {
  case "$1" in
    distributed-*) python3 "$BENCH/lib/cputime.py" user rabbitmq ;;
    *) echo 0 ;;
  esac
}

measure() {
  local round=$1 target=$2 upstream=$3 c0 c1 b0 b1 result
  result=$(run_client "$target" "$upstream" paced 0)
  printf '%s\t%s\t%s\tpaced\t0\t0\t%s\n' "$round" "$target" "$upstream" "$result" >>"$RAW"
  c0=$(cpu_of "$target")
  b0=$(broker_cpu "$target")
  result=$(run_client "$target" "$upstream" burst "$BURST_SECONDS")
  c1=$(cpu_of "$target")
  b1=$(broker_cpu "$target")
  printf '%s\t%s\t%s\tburst\t%s\t%s\t%s\n' "$round" "$target" "$upstream" \
    "$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.3f", b-a}')" "$(awk -v a="$b0" -v b="$b1" 'BEGIN{printf "%.3f", b-a}')" \
    "$result" >>"$RAW"
  log "round $round $target/$upstream: $(tail -n 2 "$RAW" | cut -f7 | paste -sd' ' -)"
}

wait_ready() {
  local name=$1 url=$2 deadline=$((SECONDS + START_SECONDS))
  until curl -fs -o /dev/null "$url"; do
    if ! kill -0 "${PID[$name]}" 2>/dev/null; then
      die "$name exited before it was ready (see $RUN/$name.log)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "$name not ready within $START_SECONDS s (see $RUN/$name.log)"
    sleep 0.5
  done
  log "$name ready"
}

# ---------------------------------------------------------------- main
read -r -a TARGET_LIST <<<"$TARGETS"
read -r -a UPSTREAM_LIST <<<"$UPSTREAMS"
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "building (Release): the services, the mock provider and bench/MeshStreams"
for project in services/ingress tools/mock-provider bench/MeshStreams; do
  dotnet build "$ROOT/$project" -c Release -nologo -v quiet >>"$RUN/build.log" 2>&1 || die "$project does not build (see $RUN/build.log)"
done

start mock dotnet run --no-build --project "$ROOT/tools/mock-provider" -c Release -- --urls "$MOCK"
wait_ready mock "$MOCK/mock/health"

needs_distributed=0
for target in "${TARGET_LIST[@]}"; do
  case "$target" in
    direct) ;;
    embedded)
      URL[embedded]=http://127.0.0.1:$EMBEDDED_PORT/v1/chat/completions
      start embedded env -u AIMESH_CHANNEL_KEY "$ROOT/aimesh" run --urls "http://127.0.0.1:$EMBEDDED_PORT"
      wait_ready embedded "http://127.0.0.1:$EMBEDDED_PORT/health/ready"
      ;;
    distributed-channel | distributed-bus) needs_distributed=1 ;;
    *) die "unknown target $target (known: direct embedded distributed-channel distributed-bus)" ;;
  esac
done
if [ "$needs_distributed" = 1 ]; then
  URL[distributed-channel]=http://127.0.0.1:$CHANNEL_PORT/v1/chat/completions
  URL[distributed-bus]=http://127.0.0.1:$BUS_PORT/v1/chat/completions
  start distributed env AIMESH_MOCK_PROVIDER=0 "$ROOT/aimesh" distributed
  wait_ready distributed "http://127.0.0.1:$CHANNEL_PORT/health/ready"
  # A second ingress on the same broker, without the channel key: its streams' chunks travel by bus.
  start bus-ingress env -u AIMESH_CHANNEL_KEY Bus__Transport=RabbitMq Bus__RabbitMq__Host=127.0.0.1 \
    Bus__RabbitMq__Username="${AIMESH_RABBITMQ_USER:-guest}" Bus__RabbitMq__Password="${AIMESH_RABBITMQ_PASSWORD:-guest}" \
    Mesh__Embedded=false Mesh__QuickStart__Enabled=false \
    dotnet run --no-build --project "$ROOT/services/ingress" -c Release -- --urls "http://127.0.0.1:$BUS_PORT"
  wait_ready bus-ingress "http://127.0.0.1:$BUS_PORT/health/ready"
fi

PAIRS=()
for target in "${TARGET_LIST[@]}"; do
  for upstream in "${UPSTREAM_LIST[@]}"; do
    PAIRS+=("$target $upstream")
  done
done

for pair in "${PAIRS[@]}"; do
  read -r target upstream <<<"$pair"
  log "warming up $target/$upstream"
  run_client "$target" "$upstream" burst "$WARMUP_SECONDS" >/dev/null
  result=$(run_client "$target" "$upstream" paced 0)
  [[ $result == *'"errors":0'* ]] || log "warning: $target/$upstream warm-up had errors: $result"
done

for ((round = 1; round <= ROUNDS; round++)); do
  n=${#PAIRS[@]}
  for ((i = 0; i < n; i++)); do
    read -r target upstream <<<"${PAIRS[$(((i + round - 1) % n))]}"
    measure "$round" "$target" "$upstream"
  done
done

# The router's translation alone, in this run: the adapters' decoder and translator over one upstream stream fetched
# from the mock, on one thread (bench/MeshStreams/TranslationBench.cs).
for ((round = 1; round <= ROUNDS; round++)); do
  for upstream in "${UPSTREAM_LIST[@]}"; do
    format=$upstream
    result=$(dotnet "$CLIENT" --mode translate --url "$(url_of direct "$upstream" burst)" --key "$AIMESH_BENCH_KEY" \
      --model "bench-burst-$upstream" --format "$format" --seconds 3 2>>"$RUN/client.log" || echo '{"failed":true}')
    printf '%s\ttranslate\t%s\ttranslate\t0\t0\t%s\n' "$round" "$upstream" "$result" >>"$RAW"
    log "round $round translate/$upstream: $result"
  done
done

python3 "$BENCH/lib/mesh_streams_report.py" "$RAW" "$STAMP" "$ROUNDS" "$TOKENS" "$PACE_MS" "$CONNECTIONS" \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$RESULTS/mesh-streams-$STAMP.json" | tee "$RUN/table.md"
log "wrote ${RESULTS#"$ROOT"/}/mesh-streams-$STAMP.json"
