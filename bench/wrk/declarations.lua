-- wrk script for bench/endpoint.py: POSTs the declarations in the file named by XQ_BODIES (one
-- JSON per line), each request with a fresh Idempotency-Key, and counts the 201s (durable: the
-- endpoint answers 201 only after the commit). Prints `wrk_* value` lines at the end.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(os.getenv("XQ_BODIES")) do
    bodies[#bodies + 1] = line
  end
  created, other, n = 0, 0, 0
  math.randomseed(os.time() * 1000 + id)
end

local function hex(digits, top)
  return string.format("%0" .. digits .. "x", math.random(0, top))
end

local function uuid_v4()
  return hex(4, 0xffff) .. hex(4, 0xffff) .. "-" .. hex(4, 0xffff) .. "-4" .. hex(3, 0xfff) .. "-"
    .. string.format("%04x", 0x8000 + math.random(0, 0x3fff)) .. "-"
    .. hex(4, 0xffff) .. hex(4, 0xffff) .. hex(4, 0xffff)
end

function request()
  n = n + 1
  local body = bodies[(n * 7 + id * 7919) % #bodies + 1]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = uuid_v4(),
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "wrk_created %d\nwrk_other %d\nwrk_duration_us %d\nwrk_p50_us %d\nwrk_p99_us %d\nwrk_socket_errors %d\n",
    c, o, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
end
