-- wrk script: POST /messages/send with a distinct text per request; prints the percentiles line of percentiles.lua.
-- `instance` is set by the runner (`init`): wrk -s send.lua <url> -- <instance id>
local counter = 0
local instance = ""
wrk.headers["Content-Type"] = "application/json"

init = function(args)
  instance = args[1]
  math.randomseed(os.time() + (args[2] or 0))
end
request = function()
  counter = counter + 1
  local body = string.format('{"instanceId":"%s","to":"chat-%d","text":"bench %d-%d"}',
    instance, counter % 100, math.random(1, 1000000000), counter)
  return wrk.format("POST", nil, nil, body)  -- nil headers: wrk.headers, which carry -H x-api-key
end

done = function(summary, latency, requests)
  io.write(string.format("OMNI_RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
