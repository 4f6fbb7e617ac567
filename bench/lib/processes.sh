# Process handling the bench scripts share; source it after setting RUN (the log folder) and `declare -A PID=()`.

# start NAME COMMAND...: runs in a session of its own (setsid keeps the pid, as a background child is no group
# leader), so stopping its process group reaches every process it started, and Ctrl-C reaches only the script.
# Its output goes to $RUN/NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$RUN/$name.log" 2>&1 </dev/null &
  PID[$name]=$!
}

# stop_all: TERM to every started process group, KILL to what is left after 20 s.
stop_all() {
  # Once: a second Ctrl-C (or `timeout`, which signals the child and then its whole group) must not cut the
  # cleanup short and orphan what is still stopping; the KILL below bounds how long it takes.
  trap - EXIT
  trap '' INT TERM
  local name
  for name in "${!PID[@]}"; do
    kill -TERM -- "-${PID[$name]}" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 20))
  for name in "${!PID[@]}"; do
    while kill -0 -- "-${PID[$name]}" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        kill -KILL -- "-${PID[$name]}" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  done
}
