-- POST /bookings for random future slots of random restaurants.
local dir = debug.getinfo(1, "S").source:match("@(.*/)") or "./"
dofile(dir .. "common.lua")

init = function(args)
  math.randomseed(os.time() * 100 + id)
end

local counter = 0
request = function()
  counter = counter + 1
  local date = os.date("%Y-%m-%d", os.time() + 86400 * math.random(1, 300))
  local body = string.format(
    '{"restaurant_id": %d, "date": "%s", "time_slot": "%d:00", "client_name": "Bench %d-%d", "party_size": 2}',
    math.random(1, restaurants), date, math.random(12, 22), id, counter)
  return wrk.format("POST", "/bookings",
                    { ["Content-Type"] = "application/json", Authorization = "Bearer " .. token },
                    body)
end
