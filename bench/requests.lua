-- wrk script: cycles through the requests in the file named by the BENCH_REQUESTS environment
-- variable, one per line: "GET <path>" or "POST <path> <json body>". A line starting "AUTH "
-- is sent with the BENCH_TOKEN bearer token; the others are anonymous. BENCH_ACCEPT_ENCODING, when
-- set, is sent as Accept-Encoding (as browsers, CDNs and mobile HTTP clients do).
local lines = {}
local requests = {}
local index = 0

local file = assert(io.open(os.getenv("BENCH_REQUESTS"), "r"))
for line in file:lines() do
  local auth = line:sub(1, 5) == "AUTH "
  if auth then line = line:sub(6) end
  local method, path, body = line:match("^(%u+) (%S+) ?(.*)$")
  if method then table.insert(lines, { method = method, path = path, body = body, auth = auth }) end
end
file:close()
assert(#lines > 0, "no requests in " .. os.getenv("BENCH_REQUESTS"))

-- Requests are formatted per thread, once wrk has set the Host header.
init = function(args)
  local token = os.getenv("BENCH_TOKEN")
  for _, l in ipairs(lines) do
    local headers = {}
    if l.method == "POST" then headers["Content-Type"] = "application/json" end
    local encodings = os.getenv("BENCH_ACCEPT_ENCODING")
    if encodings and encodings ~= "" then headers["Accept-Encoding"] = encodings end
    if token and token ~= "" and l.auth then headers["Authorization"] = "Bearer " .. token end
    table.insert(requests, wrk.format(l.method, l.path, headers, l.body ~= "" and l.body or nil))
  end
end

-- BENCH_DELAY_MS paces each connection (a steady rate instead of as fast as possible).
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause then
  delay = function() return pause end
end

request = function()
  index = index % #requests + 1
  return requests[index]
end

-- One machine-readable line for the caller: status errors and latency percentiles in microseconds.
done = function(summary, latency, requests_)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH requests=%d seconds=%.2f errors=%d p50=%d p99=%d\n",
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50), latency:percentile(99)))
end
