-- The part of a flush of user_activity that needs to read Redis while it writes. It runs inside the
-- flush's MULTI/EXEC, after the flush's counts were added (ActivityApplier), so it is applied exactly
-- once together with them: it rewrites the top 10 of each window the flush counted, moves stream time
-- on (never back), stamps the wall-clock time of the flush, and expires interest and category
-- popularity buckets whose time has come, queueing the users whose interests that changed for a re-merge.
--
-- ARGV: 1 key prefix, 2 stream time of the flush (ms), 3 window TTL s, 4 sweep limit, 5 window count,
--       then per window: window text, window start ms, product count n, then n product ids.
-- Returns the users whose interests the sweep changed (queued in recommendations:dirty too).
local P = ARGV[1]
local flushStreamTime = tonumber(ARGV[2])
local windowTtl = tonumber(ARGV[3])
local sweepLimit = tonumber(ARGV[4])
local windowCount = tonumber(ARGV[5])

local TOP = 10

-- Ordering of the trending top 10: count descending, then product id ascending.
local function better(c1, p1, c2, p2)
  return c1 > c2 or (c1 == c2 and p1 < p2)
end

-- A window's new top 10, from its old top 10 and the products this flush counted, with their new
-- counts. Counts only grow, so a product in neither set stays below every old member: nothing is missed.
local function rewriteTop(countsKey, topKey, counted)
  local all = redis.call('HGETALL', topKey)
  local candidates = {}
  for i = 1, #all, 2 do candidates[all[i]] = tonumber(all[i + 1]) end
  for _, product in ipairs(counted) do
    candidates[product] = tonumber(redis.call('ZSCORE', countsKey, product))
  end
  local list = {}
  for product, c in pairs(candidates) do list[#list + 1] = {product, c} end
  table.sort(list, function(a, b) return better(a[2], a[1], b[2], b[1]) end)
  local keep = {}
  local args = {}
  for i = 1, math.min(TOP, #list) do
    keep[list[i][1]] = true
    args[#args + 1] = list[i][1]
    args[#args + 1] = list[i][2]
  end
  for i = 1, #all, 2 do
    if not keep[all[i]] then redis.call('HDEL', topKey, all[i]) end
  end
  if #args > 0 then redis.call('HSET', topKey, unpack(args)) end
end

local at = 6
for _ = 1, windowCount do
  local text, start, n = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2])
  local counted = {}
  for i = 1, n do counted[i] = ARGV[at + 2 + i] end
  at = at + 3 + n
  local countsKey = P .. 'trending:counts:' .. text
  local topKey = P .. 'trending:' .. text
  rewriteTop(countsKey, topKey, counted)
  redis.call('EXPIRE', countsKey, windowTtl)
  redis.call('EXPIRE', topKey, windowTtl)
  redis.call('ZADD', P .. 'trending:windows', start, text)
end

-- Partitions flush in parallel: stream time is the newest event time any of them applied.
local streamTime = tonumber(redis.call('GET', P .. 'stream:time') or '0')
if flushStreamTime > streamTime then
  streamTime = flushStreamTime
  redis.call('SET', P .. 'stream:time', streamTime)
end
-- Wall-clock time of this flush, so /health can say how fresh the speed layer is whatever the event times.
local clock = redis.call('TIME')
local clockMs = clock[1] * 1000 + math.floor(clock[2] / 1000)
redis.call('SET', P .. 'speed:applied_at', clockMs)

local swept = {}

-- Expire interest buckets whose time has come, a bounded number of users per call.
local due = redis.call('ZRANGEBYSCORE', P .. 'interest:due', '-inf', streamTime, 'LIMIT', 0, sweepLimit)
for _, user in ipairs(due) do
  local expKey = P .. 'interest:expiry:' .. user
  local interestKey = P .. 'interest:' .. user
  local entries = redis.call('HGETALL', expKey)
  local nextDue = nil
  for i = 1, #entries, 2 do
    local field, views = entries[i], tonumber(entries[i + 1])
    local sep = string.find(field, '|', 1, true)
    local expiry = tonumber(string.sub(field, 1, sep - 1))
    if expiry <= streamTime then
      local left = redis.call('HINCRBY', interestKey, string.sub(field, sep + 1), -views)
      if left <= 0 then redis.call('HDEL', interestKey, string.sub(field, sep + 1)) end
      redis.call('HDEL', expKey, field)
    elseif nextDue == nil or expiry < nextDue then
      nextDue = expiry
    end
  end
  if nextDue then
    redis.call('ZADD', P .. 'interest:due', nextDue, user)
  else
    redis.call('ZREM', P .. 'interest:due', user)
  end
  -- Its interests changed: queue the user for a re-merge (keeping an earlier place in the queue).
  redis.call('ZADD', P .. 'recommendations:dirty', 'NX', clockMs, user)
  swept[#swept + 1] = user
end

-- Expire category popularity the same way, one bucket at a time.
local buckets = redis.call('ZRANGEBYSCORE', P .. 'popularity:due', '-inf', streamTime, 'LIMIT', 0, sweepLimit)
for _, expiry in ipairs(buckets) do
  local key = P .. 'popularity:expiry:' .. expiry
  local entries = redis.call('HGETALL', key)
  for i = 1, #entries, 2 do
    local field, views = entries[i], tonumber(entries[i + 1])
    local sep = string.find(field, '|', 1, true)
    local categoryKey = P .. 'category:' .. string.sub(field, 1, sep - 1)
    local product = string.sub(field, sep + 1)
    -- A product that moved category or was deleted has left this index; nothing to take back.
    if redis.call('ZSCORE', categoryKey, product) then
      local left = tonumber(redis.call('ZINCRBY', categoryKey, -views, product))
      if left < 0 then redis.call('ZADD', categoryKey, 0, product) end
    end
  end
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'popularity:due', expiry)
end

return swept
