-- wrk script: POST /messages/send with a distinct text per request; prints the percentiles line of percentiles.lua.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"instanceId":"%s","to":"chat-%d","text":"bench %d-%d"}',
    os.getenv("OMNI_INSTANCE"), counter % 100, math.random(1, 1e9), counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("OMNI_RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
