-- What the scripted runs share: the report line, the token and restaurant count from
-- bench/run.py, and a number for each wrk thread (`id`) so that threads ask for different keys.
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "report.lua")

token = os.getenv("BENCH_TOKEN")
restaurants = tonumber(os.getenv("BENCH_RESTAURANTS"))
local threads = 0

setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
