-- A plain GET of the URL given to wrk (hello, the tariff table, a licence verification).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
