-- POST /bookings for random future slots (of the next 300 days, or BENCH_DAYS) of random
-- restaurants: parties of 2, or with BENCH_PARTY=N random parties of 1 to N.
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "common.lua")

local largest = tonumber(os.getenv("BENCH_PARTY") or "0")

init = function(args)
  math.randomseed(os.time() * 100 + id)
end

local counter = 0
request = function()
  counter = counter + 1
  local date = os.date("%Y-%m-%d", os.time() + 86400 * math.random(1, days > 0 and days or 300))
  local party = largest > 0 and math.random(1, largest) or 2
  local body = string.format(
    '{"restaurant_id": %d, "date": "%s", "time_slot": "%d:00", "client_name": "Bench %d-%d", "party_size": %d}',
    first + math.random(0, restaurants - 1), date, math.random(12, 22), id, counter, party)
  return wrk.format("POST", "/bookings",
                    { ["Content-Type"] = "application/json", Authorization = "Bearer " .. token },
                    body)
end
