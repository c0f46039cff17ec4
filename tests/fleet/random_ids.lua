-- wrk script of the fleet tests and bench/fleet.sh: GET /campaigns/{id} for random ids read from
-- the file given after `--` (one id a line, kept as strings: ids may exceed a double's 53 bits).
-- done() prints one FLEET line with the counts the tests assert on.
local ids = {}
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end
function request()
  return wrk.format("GET", "/campaigns/" .. ids[math.random(#ids)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "FLEET requests=%d duration_us=%d rps=%.1f p50_us=%.1f p99_us=%.1f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), e.status, e.connect, e.read, e.write, e.timeout))
end
