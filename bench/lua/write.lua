-- A new applicant creates a draft: POST /api/v1/applications {call, district, facts}.
-- BENCH_DATA: lines "token district_id", each used once (a second draft in the same call is a
-- 409); BENCH_BODY: the JSON body with "%DISTRICT%" where the district goes.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local rows, body, i

function init(args)
  rows = my_rows()
  body = read_file(os.getenv("BENCH_BODY"))
  i = 0
end

function request()
  i = i + 1
  local row = rows[(i - 1) % #rows + 1]
  local text = body:gsub("%%DISTRICT%%", row[2])
  return wrk.format("POST", "/api/v1/applications", {
    ["Authorization"] = "Bearer " .. row[1],
    ["Content-Type"] = "application/json",
  }, text)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
