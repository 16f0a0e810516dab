-- Slots reads that each ask for a (restaurant, date) not asked before, so none is cached.
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "common.lua")

-- Each run (BENCH_RUN: 0, 1, 2 measured, 3 the warm-up) asks for keys no other run asks for,
-- so every request stays uncached.
local counter = tonumber(os.getenv("BENCH_RUN") or "0") * 30000
request = function()
  counter = counter + 1
  local k = counter * 2 + id
  local restaurant = k % restaurants + 1
  local day = math.floor(k / restaurants) % 360 + 1
  local date = os.date("%Y-%m-%d", os.time() + 86400 * day)
  return wrk.format("GET", "/bookings/" .. restaurant .. "/" .. date,
                    { Authorization = "Bearer " .. token })
end
