-- Slots reads that each ask for a (restaurant, date) not asked before, so none is cached.
-- With BENCH_PARTY=N they read by party size (`?party_size=`), cycling through 1..N, so the
-- key is (restaurant, date, party), and ask only for the next 89 days, which hold bookings.
-- BENCH_DAYS sets the days asked for instead (e.g. many, for one restaurant).
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "common.lua")

local largest = tonumber(os.getenv("BENCH_PARTY") or "0")

-- Each run (BENCH_RUN: 0, 1, 2 measured, 3 the warm-up) asks for keys no other run asks for,
-- so every request stays uncached.
local counter = tonumber(os.getenv("BENCH_RUN") or "0") * 30000
request = function()
  counter = counter + 1
  local k = counter * 2 + id
  local restaurant = first + k % restaurants
  local span = days > 0 and days or (largest > 0 and 89 or 360)
  local day = math.floor(k / restaurants) % span + 1
  local date = os.date("%Y-%m-%d", os.time() + 86400 * day)
  local path = "/bookings/" .. restaurant .. "/" .. date
  if largest > 0 then
    path = path .. "?party_size=" .. (math.floor(k / restaurants / span) % largest + 1)
  end
  return wrk.format("GET", path, { Authorization = "Bearer " .. token })
end
