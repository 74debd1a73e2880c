-- wrk script for the benchmark: POSTs a Messages API body (read from $BENCH_BODY_FILE) with the
-- headers an Anthropic SDK sends, and prints machine-readable totals when the run ends.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = "sk-ant-bench-client-key"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["User-Agent"] = "ccflare-bench/1"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk.requests=%d\n", summary.requests))
  io.write(string.format("wrk.duration_us=%d\n", summary.duration))
  io.write(string.format("wrk.p50_us=%.1f\n", latency:percentile(50)))
  io.write(string.format("wrk.p99_us=%.1f\n", latency:percentile(99)))
  io.write(string.format("wrk.errors_connect=%d\n", e.connect))
  io.write(string.format("wrk.errors_read=%d\n", e.read))
  io.write(string.format("wrk.errors_write=%d\n", e.write))
  io.write(string.format("wrk.errors_status=%d\n", e.status))
  io.write(string.format("wrk.errors_timeout=%d\n", e.timeout))
end
