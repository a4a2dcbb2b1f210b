-- The part of a flush of user_activity's per-user lane that needs to read Redis while it writes. It runs
-- inside the flush's MULTI/EXEC, after the flush's deltas were added (ActivityApplier), so it is applied
-- exactly once together with them: it moves stream time on (never back), stamps the wall-clock time of
-- the flush, and expires interest and category popularity buckets whose time has come, queueing the users
-- whose interests that changed for a re-merge. The trending lane's top 10 is finish_trending.lua.
--
-- ARGV: 1 key prefix, 2 stream time of the flush (ms), 3 sweep limit.
-- Returns the users whose interests the sweep changed (queued in recommendations:dirty too).
local P = ARGV[1]
local flushStreamTime = tonumber(ARGV[2])
local sweepLimit = tonumber(ARGV[3])

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
