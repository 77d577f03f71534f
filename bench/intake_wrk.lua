-- wrk script for bench/intake.py: partner reports sent to POST /api/v1/reports.
--
-- Arguments (after "--" on wrk's command line):
--   1 bodies file: one JSON report per line (made by bench/intake.py from the shared data)
--   2 partner API key
--   3 seconds of sending; after that no connection starts a new request
--   4 connections per wrk thread
--   5 folder where each thread drops a file once all its connections are idle
--   6 run tag: makes Idempotency-Keys unique across runs
--   7 every how many requests one carries an Idempotency-Key (0: none)
--
-- Why the drain: wrk cuts requests in flight when its duration ends, and the server may
-- still store those reports, so "stored" could exceed "acknowledged" for no fault of the
-- server. Here, once the sending time is over, delay() parks each connection after its
-- last answer; when every connection of a thread is parked, the thread drops a flag file
-- and bench/intake.py interrupts wrk. Every report sent has then been answered.

local bodies = {}
local api_key, deadline, conns, flag_dir, tag, idem_every
local cursor, posted, idle, flagged = 0, 0, 0, false

-- Read back by done() through thread:get.
created, replayed, answered = 0, 0, 0
statuses = {}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   for line in io.lines(args[1]) do
      if #line > 0 then bodies[#bodies + 1] = line end
   end
   if #bodies == 0 then error("no report bodies in " .. args[1]) end
   api_key = args[2]
   deadline = os.time() + tonumber(args[3])
   conns = tonumber(args[4])
   flag_dir = args[5]
   tag = args[6]
   idem_every = tonumber(args[7])
   -- Threads start at different places so they do not send the same body at once.
   cursor = ((tid - 1) * 7919) % #bodies
end

function delay()
   if os.time() < deadline then return 0 end
   idle = idle + 1
   if idle >= conns and not flagged then
      flagged = true
      local fh = io.open(flag_dir .. "/thread-" .. tid .. ".done", "w")
      if fh then fh:write(tostring(posted)); fh:close() end
   end
   return 3600 * 1000  -- parked: bench/intake.py stops wrk long before this
end

function request()
   posted = posted + 1
   cursor = cursor % #bodies + 1
   local headers = {
      ["Content-Type"] = "application/json; charset=utf-8",
      ["Authorization"] = "Bearer " .. api_key,
   }
   if idem_every > 0 and posted % idem_every == 0 then
      headers["Idempotency-Key"] = tag .. "-" .. tid .. "-" .. posted
   end
   return wrk.format("POST", "/api/v1/reports", headers, bodies[cursor])
end

function response(status, headers, body)
   answered = answered + 1
   statuses[status] = (statuses[status] or 0) + 1
   if status == 201 then
      created = created + 1
      if headers["Idempotent-Replayed"] == "true" then replayed = replayed + 1 end
   end
end

local function json_pairs(tbl)
   local parts = {}
   for k, v in pairs(tbl) do parts[#parts + 1] = string.format('"%s": %d', tostring(k), v) end
   return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
   local total = {created = 0, replayed = 0, answered = 0, drained = 0}
   local codes = {}
   for _, thread in ipairs(threads) do
      total.created = total.created + thread:get("created")
      total.replayed = total.replayed + thread:get("replayed")
      total.answered = total.answered + thread:get("answered")
      for code, n in pairs(thread:get("statuses")) do codes[code] = (codes[code] or 0) + n end
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"duration_us": %d, "requests": %d, "answered": %d, "created": %d, "replayed": %d, '
      .. '"statuses": %s, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
      summary.duration, summary.requests, total.answered, total.created, total.replayed, json_pairs(codes),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
