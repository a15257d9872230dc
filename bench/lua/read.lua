-- An applicant reads their own case: GET /api/v1/applications/{id} with their bearer token.
-- BENCH_DATA: lines "token application_id"; each thread rotates over its own applicants.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local rows, i

function init(args)
  rows = my_rows()
  i = 0
end

function request()
  i = i % #rows + 1
  local row = rows[i]
  return wrk.format("GET", "/api/v1/applications/" .. row[2], {["Authorization"] = "Bearer " .. row[1]})
end
