-- Shared by the HTTP benchmark's wrk scripts (bench/http_bench.py): thread numbering, reading
-- the seeded tokens/ids, and a JSON summary on stdout (wrk's own text has no p95).
-- Environment: BENCH_LUA_DIR (this directory), BENCH_DATA (a file of lines "token id" or "token"),
-- BENCH_THREADS (wrk -t), BENCH_BODY (a request body file, for POSTs).

local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

-- Scripts that define response() count statuses in a per-thread table "statuses".
function statuses_json()
  local total = {}
  for _, thread in ipairs(threads) do
    local st = thread:get("statuses")
    if type(st) == "table" then
      for code, n in pairs(st) do total[code] = (total[code] or 0) + n end
    end
  end
  local parts = {}
  for code, n in pairs(total) do parts[#parts + 1] = string.format('"%s": %d', tostring(code), n) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function read_lines(path)
  local rows = {}
  if path == nil or path == "" then return rows end
  for line in io.lines(path) do
    if line ~= "" then
      local fields = {}
      for field in line:gmatch("%S+") do fields[#fields + 1] = field end
      rows[#rows + 1] = fields
    end
  end
  return rows
end

function read_file(path)
  if path == nil or path == "" then return nil end
  local f = assert(io.open(path, "r"))
  local text = f:read("*a")
  f:close()
  return text
end

-- Rows of this thread: every nthreads-th row starting at its own number (no two threads share a
-- row, so a token used for a write is used once).
function my_rows()
  local all = read_lines(os.getenv("BENCH_DATA"))
  local n = tonumber(os.getenv("BENCH_THREADS") or "1")
  local mine = {}
  for i = (tid or 0) + 1, #all, n do mine[#mine + 1] = all[i] end
  if #mine == 0 then mine = all end
  return mine
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx_3xx": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "statuses": %s}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean, statuses_json()))
end
