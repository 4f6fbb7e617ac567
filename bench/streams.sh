#!/usr/bin/env bash
# How streamed tokens should travel from router to ingress (issue 2, point 7): both candidates measured at their
# floor, in one run, each between two OS processes on this machine (bench/StreamChannels, started twice).
#
#   bench/streams.sh                 5 interleaved rounds (about 2 minutes)
#   ROUNDS=1 PACED_STREAMS=1 BURST_SECONDS=1 WARMUP_SECONDS=1 bench/streams.sh   a quick check of the harness
#
#   bus     one CompletionChunk message per chunk, sent by the producer (the router's part) to the consumer's (the
#           ingress's) temporary queue over RabbitMQ, non-persistent, each send awaited: today's path, on a bus
#           built by AiMesh's own MeshBus
#   direct  one chunked HTTP/1.1 request per stream from the producer to the consumer's Kestrel on loopback, one
#           line per chunk, flushed each time: the "bus for control, a direct channel for the bytes" candidate
#
# After a warm-up of each channel ($WARMUP_SECONDS s back-to-back and one paced phase), each round runs, per channel in
# an alternating order: a paced phase ($PACED_STREAMS streams of $CHUNKS chunks, a chunk at least $PACE_MS ms after the
# previous: per-chunk latency p50/p99 and added gap p99) and a back-to-back phase (streams for $BURST_SECONDS s: chunks/s).
# Both phases report CPU time per chunk of producer, consumer and RabbitMQ (every process of its user). Latency is
# Stopwatch.GetTimestamp() (CLOCK_MONOTONIC) carried in the chunk, read again by the consumer; the driver first checks
# that both processes read one clock. The table quotes medians over rounds.
# Output: a markdown table on stdout, bench/results/streams-<stamp>.json, logs in bench/results/streams-<stamp>/.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")

ROUNDS=${ROUNDS:-5}
CHUNKS=${CHUNKS:-200}
PACED_STREAMS=${PACED_STREAMS:-5}
BURST_SECONDS=${BURST_SECONDS:-3}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
PACE_MS=${PACE_MS:-5}
PORT=${PORT:-9400}
RABBITMQ=${AIMESH_TEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$BENCH/results
RUN=$RESULTS/streams-$STAMP
mkdir -p "$RUN"
# A vhost of its own: nothing else's queues or bindings in the way, and nothing left behind.
VHOST=aimesh-bench-streams-$STAMP
PROJECT=$BENCH/StreamChannels/AiMesh.Bench.StreamChannels.csproj
DLL=$BENCH/StreamChannels/bin/Release/net10.0/AiMesh.Bench.StreamChannels.dll

log() { printf '[streams %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $RABBITMQ =~ ^amqp://([^:@/]+):([^@/]*)@([^:/]+)(:([0-9]+))?/?$ ]] ||
  die "AIMESH_TEST_RABBITMQ must look like amqp://user:password@host:port/ (got another shape)"
BROKER_USER=${BASH_REMATCH[1]}
# Both processes read the bus settings from the environment (MeshBus's "Bus" section), not from their command lines.
export Bus__Transport=RabbitMq
export Bus__RabbitMq__Username=$BROKER_USER
export Bus__RabbitMq__Password=${BASH_REMATCH[2]}
export Bus__RabbitMq__Host=${BASH_REMATCH[3]}
export Bus__RabbitMq__Port=${BASH_REMATCH[5]:-5672}
export Bus__RabbitMq__VirtualHost=$VHOST

CONSUMER_PID=
cleanup() {
  trap - EXIT
  trap '' INT TERM
  if [ -n "$CONSUMER_PID" ]; then
    kill -TERM -- "-$CONSUMER_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 -- "-$CONSUMER_PID" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        kill -KILL -- "-$CONSUMER_PID" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v rabbitmqctl >/dev/null || "$ROOT/scripts/infra.sh" up >/dev/null 2>"$RUN/infra.log" ||
  die "RabbitMQ is not installed and scripts/infra.sh up failed (see $RUN/infra.log)"
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  log "starting RabbitMQ (scripts/infra.sh up)"
  "$ROOT/scripts/infra.sh" up >/dev/null 2>"$RUN/infra.log" || die "infrastructure did not start (see $RUN/infra.log)"
fi

log "building bench/StreamChannels (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet >"$RUN/build.log" 2>&1 || die "bench/StreamChannels does not build (see $RUN/build.log)"

rabbitmqctl -q add_vhost "$VHOST" >/dev/null
rabbitmqctl -q set_permissions -p "$VHOST" "$BROKER_USER" '.*' '.*' '.*' >/dev/null

# The consumer in a session of its own, so stopping its process group stops everything it started.
setsid dotnet "$DLL" consume --urls "http://127.0.0.1:$PORT" >"$RUN/consumer.log" 2>&1 </dev/null &
CONSUMER_PID=$!
deadline=$((SECONDS + 60))
until curl -fsS --max-time 2 "http://127.0.0.1:$PORT/info" 2>/dev/null | grep -q '"busAddress":"'; do
  kill -0 "$CONSUMER_PID" 2>/dev/null || die "the consumer exited (see $RUN/consumer.log)"
  [ "$SECONDS" -lt "$deadline" ] || die "the consumer's bus endpoint was not ready within 60 s (see $RUN/consumer.log)"
  sleep 0.5
done
log "consumer ready (pid $CONSUMER_PID); load average $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds"

status=0
dotnet "$DLL" drive \
  --Bench:Consumer="http://127.0.0.1:$PORT/" \
  --Bench:Rounds="$ROUNDS" \
  --Bench:Chunks="$CHUNKS" \
  --Bench:PacedStreams="$PACED_STREAMS" \
  --Bench:BurstSeconds="$BURST_SECONDS" \
  --Bench:WarmupSeconds="$WARMUP_SECONDS" \
  --Bench:PaceMilliseconds="$PACE_MS" \
  --Bench:ClockTicksPerSecond="$(getconf CLK_TCK)" \
  --Bench:BrokerVersion="$(rabbitmqctl -q version 2>/dev/null || echo unknown)" \
  --Bench:Commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --Bench:Stamp="$STAMP" \
  --Bench:Results="$RESULTS/streams-$STAMP.json" \
  2> >(tee "$RUN/driver.log" >&2) || status=$?

[ "$status" -eq 0 ] || log "the driver failed (exit $status; see $RUN/driver.log and $RUN/consumer.log)"
log "results: $RESULTS/streams-$STAMP.json"
exit "$status"
