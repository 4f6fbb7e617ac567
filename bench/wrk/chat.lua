-- POSTs one small chat completion per request. Headers beyond Content-Type come from WRK_HEADERS
-- ("Name: value" lines); the body from WRK_BODY_FILE. done() prints one machine-readable line for bench/run.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local body_file = os.getenv("WRK_BODY_FILE")
if body_file then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end

local extra = os.getenv("WRK_HEADERS") or ""
for line in extra:gmatch("[^\n]+") do
  local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
  if name then
    wrk.headers[name] = value
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
