-- What the scripted runs share: the report line, the token, the restaurants (BENCH_FIRST and
-- the BENCH_RESTAURANTS after it) and the days (BENCH_DAYS) from bench/run.py, and a number
-- for each wrk thread (`id`) so that threads ask for different keys.
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "report.lua")

token = os.getenv("BENCH_TOKEN")
restaurants = tonumber(os.getenv("BENCH_RESTAURANTS"))
first = tonumber(os.getenv("BENCH_FIRST") or "1")
days = tonumber(os.getenv("BENCH_DAYS") or "0")
local threads = 0

setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
