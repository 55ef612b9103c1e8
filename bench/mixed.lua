-- The mixed scenario for wrk (bench/load.py, LOAD_GENERATOR=wrk): each request is a line of
-- $LOAD_REQUESTS, "<name>\t<session key>\t<path>", taken in turn from a random start, so the
-- connections browse as the roles do (bench/locustfile.py). A page that is not 200 (a redirect
-- to the login page included) is an error. done() prints one JSON line for bench/load.py.

local lines = {}
local position = 1
local threads = {}
-- Globals, not locals: done() reads them from each thread with thread:get().
bad = 0
bad_status = 0

local function load()
  local file = assert(io.open(os.getenv("LOAD_REQUESTS"), "r"))
  for line in file:lines() do
    local name, key, path = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    if name then
      lines[#lines + 1] = {name = name, key = key, path = path}
    end
  end
  file:close()
end

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  load()
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 1000)
  position = math.random(#lines)
end

function request()
  local entry = lines[position]
  position = position % #lines + 1
  return wrk.format("GET", entry.path, {
    ["Host"] = "127.0.0.1",
    ["Cookie"] = "sessionid=" .. entry.key,
  })
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    bad_status = status
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  local not_ok = 0
  local last_bad_status = 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + (thread:get("bad") or 0)
    if (thread:get("bad_status") or 0) ~= 0 then
      last_bad_status = thread:get("bad_status")
    end
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "socket_errors": %d, "not_ok": %d, '
      .. '"bad_status": %d, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
    summary.requests, summary.duration / 1e6, errors, not_ok, last_bad_status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
