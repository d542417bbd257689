-- wrk script: at the end, writes the run's numbers as JSON to the file named by $WRK_JSON, in the
-- fields bench/api/summarize.mjs reads from autocannon's -j output (latencies in ms).
local path = os.getenv("WRK_JSON")

function done(summary, latency, requests)
  local ms = function(us) return us / 1000 end
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ok = summary.requests - e.status
  local f = assert(io.open(path, "w"))
  f:write(string.format(
    '{"tool":"wrk","duration":%.3f,"2xx":%d,"non2xx":%d,"errors":%d,"timeouts":%d,' ..
    '"requests":{"total":%d},"throughput":{"total":%d},' ..
    '"latency":{"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f,"mean":%.2f,"min":%.2f,"totalCount":%d}}\n',
    secs, ok, e.status, e.connect + e.read + e.write, e.timeout, summary.requests, summary.bytes,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    ms(latency.mean), ms(latency.min), summary.requests))
  f:close()
end
