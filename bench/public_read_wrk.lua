-- wrk script for bench/public_read.py: GET requests over a list of paths, optionally paced.
--
-- Arguments (after "--" on wrk's command line):
--   1 paths file: one request path per line (already URL-encoded)
--   2 delay in milliseconds before each request of a connection (0: as fast as possible)
--
-- Pacing with delay() gives a steady request rate (connections x 1000 / delay per second,
-- a little less since each answer takes time). Each pause is drawn from an exponential
-- distribution with that mean, so arrivals are random (Poisson-like) as real visitors' are:
-- a fixed pause made all connections fire together, once a second, in bursts of 20 that
-- queued behind each other (a p99 that measured the burst, not the server).
-- done() prints one JSON line for the bench.

local paths = {}
local pause = 0
local cursor = 0
local threads = {}
statuses = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   for line in io.lines(args[1]) do
      if #line > 0 then paths[#paths + 1] = line end
   end
   if #paths == 0 then error("no paths in " .. args[1]) end
   pause = tonumber(args[2]) or 0
   cursor = ((tid - 1) * 7919) % #paths
   math.randomseed(os.time() + tid)
end

function delay()
   if pause <= 0 then return 0 end
   -- capped at 4x the mean: a longer idle gap would outlast the server's keep-alive (5 s) and
   -- turn into a reconnect that wrk counts as a read error
   return math.floor(math.min(-pause * math.log(1 - math.random()), 4 * pause) + 0.5)
end

function request()
   cursor = cursor % #paths + 1
   return wrk.format("GET", paths[cursor])
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local codes = {}
   for _, thread in ipairs(threads) do
      for code, n in pairs(thread:get("statuses")) do codes[code] = (codes[code] or 0) + n end
   end
   local parts = {}
   for k, v in pairs(codes) do parts[#parts + 1] = string.format('"%s": %d', tostring(k), v) end
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"duration_us": %d, "requests": %d, "statuses": {%s}, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
      summary.duration, summary.requests, table.concat(parts, ", "),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
