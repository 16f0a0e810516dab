-- Slots reads that each ask for a (restaurant, date) not asked before, so none is cached.
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "report.lua")

local token = os.getenv("BENCH_TOKEN")
local restaurants = tonumber(os.getenv("BENCH_RESTAURANTS"))
local threads = 0

setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end

-- The warm-up run asks for other keys than the measured one, so these stay uncached.
local counter = os.getenv("BENCH_WARM") and 90000 or 0
request = function()
  counter = counter + 1
  local k = counter * 2 + id
  local restaurant = k % restaurants + 1
  local day = math.floor(k / restaurants) % 360 + 1
  local date = os.date("%Y-%m-%d", os.time() + 86400 * day)
  return wrk.format("GET", "/bookings/" .. restaurant .. "/" .. date,
                    { Authorization = "Bearer " .. token })
end
