-- Applies one flush of user_activity records from one Kafka partition to Redis, exactly once.
-- The per-partition offset watermark is checked and advanced in this same atomic call, so a flush
-- replayed after a crash (Spark restarts from its checkpoint) skips what was already applied.
--
-- ARGV: 1 key prefix, 2 partition id, 3 allowed lateness ms, 4 interest bucket ms,
--       5 window TTL s, 6 user TTL s, 7 bought look-back ms, 8 sweep limit, 9 record count,
--       then per record 5 values: offset, kind, user id, product id or reason, event time ms.
-- kind: v page_view, c click, s search, a add_to_cart, p purchase, x rejected before Redis (reason in slot 4).
-- Returns {applied, skipped, {late offsets}, {users whose inputs changed}}.
local P = ARGV[1]
local partition = ARGV[2]
local lateness = tonumber(ARGV[3])
local bucket = tonumber(ARGV[4])
local windowTtl = tonumber(ARGV[5])
local userTtl = tonumber(ARGV[6])
local lookback = tonumber(ARGV[7])
local sweepLimit = tonumber(ARGV[8])
local n = tonumber(ARGV[9])

local HOUR = 3600000
local DAY = 86400000
local TOP = 10

local watermarkKey = P .. 'offsets:user_activity'
local watermark = tonumber(redis.call('HGET', watermarkKey, partition) or '-1')
local streamTime = tonumber(redis.call('GET', P .. 'stream:time') or '0')

local applied, skipped = 0, 0
local late = {}
local dirty = {}
local dirtyList = {}
local lastOffset = watermark

local function markDirty(user)
  if not dirty[user] then
    dirty[user] = true
    dirtyList[#dirtyList + 1] = user
  end
end

-- Counters and TTLs are gathered per call and written once at the end: fewer commands per event.
local dlqCounts, kindCounts, touched, windows = {}, {}, {}, {}

local function count(reason)
  dlqCounts[reason] = (dlqCounts[reason] or 0) + 1
end

local function touch(key, ttl)
  touched[key] = ttl
end

-- Ordering of the trending top 10: count descending, then product id ascending.
local function better(c1, p1, c2, p2)
  return c1 > c2 or (c1 == c2 and p1 < p2)
end

-- A window's new top 10, from its old top 10 and the products this call counted, with their new
-- counts. Counts only grow, so a product in neither set stays below every old member: nothing is missed.
local function rewriteTop(key, counted)
  local all = redis.call('HGETALL', key)
  local candidates = {}
  for i = 1, #all, 2 do candidates[all[i]] = tonumber(all[i + 1]) end
  for product, c in pairs(counted) do candidates[product] = c end
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
    if not keep[all[i]] then redis.call('HDEL', key, all[i]) end
  end
  if #args > 0 then redis.call('HSET', key, unpack(args)) end
end

local function windowText(ms)
  -- yyyy-MM-ddTHH:mm:ss of the UTC hour starting at ms (days from civil, Howard Hinnant's algorithm).
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local secs = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:00:00', y, m, d, math.floor(secs / 3600))
end

-- Pass 1, in offset order: skip what was applied, decide lateness against stream time, and gather
-- the accepted events into per-key deltas, so that Redis sees one command per key, not per event.
local trend, viewedAt, boughtAt, cartedAt, viewsByUser = {}, {}, {}, {}, {}
local function nested(t, a)
  local inner = t[a]
  if not inner then inner = {}; t[a] = inner end
  return inner
end
local function later(t, a, b, ts)
  local inner = nested(t, a)
  if not inner[b] or inner[b] < ts then inner[b] = ts end
end

for i = 0, n - 1 do
  local base = 10 + i * 5
  local offset = tonumber(ARGV[base])
  if offset <= watermark then
    skipped = skipped + 1
  else
    local kind, user, product, ts = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], tonumber(ARGV[base + 4])
    if kind == 'x' then
      count(product)
    elseif ts < streamTime - lateness then
      count('late')
      late[#late + 1] = offset
    else
      if ts > streamTime then streamTime = ts end
      kindCounts[kind] = (kindCounts[kind] or 0) + 1
      if kind == 'v' then
        local window = ts - ts % HOUR
        local w = nested(trend, window)
        w[product] = (w[product] or 0) + 1
        later(viewedAt, user, product, ts)
        local views = nested(viewsByUser, user)
        views[#views + 1] = {product, ts}
        markDirty(user)
      elseif kind == 'p' then
        later(boughtAt, user, product, ts)
        markDirty(user)
      elseif kind == 'a' then
        later(cartedAt, user, product, ts)
        markDirty(user)
      end
    end
    applied = applied + 1
    if offset > lastOffset then lastOffset = offset end
  end
end

-- Pass 2: apply the deltas.
for window, products in pairs(trend) do
  local text = windowText(window)
  local countsKey = P .. 'trending:counts:' .. text
  local topKey = P .. 'trending:' .. text
  local counted = {}
  for product, views in pairs(products) do
    counted[product] = tonumber(redis.call('ZINCRBY', countsKey, views, product))
  end
  rewriteTop(topKey, counted)
  touch(countsKey, windowTtl)
  touch(topKey, windowTtl)
  windows[text] = window
end

-- One variadic ZADD per key (GT and LT hold per member), as Redis's cost here is mostly per call; in
-- chunks, as unpack() takes at most a few thousand values.
local function zaddAll(key, flag, members)
  local args = {}
  for member, score in pairs(members) do
    args[#args + 1] = score
    args[#args + 1] = member
    if #args == 1000 then
      redis.call('ZADD', key, flag, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('ZADD', key, flag, unpack(args)) end
end

for user, products in pairs(viewedAt) do
  local key = P .. 'viewed:' .. user
  zaddAll(key, 'GT', products)
  touch(key, userTtl)
end

-- Interests and popularity need each viewed product's category, read once per product per call.
local categoryOf = {}
local popularity, popularityExpiry = {}, {}
local interestDue = {}
for user, views in pairs(viewsByUser) do
  local interests, expiries, due = {}, {}, nil
  for _, v in ipairs(views) do
    local product, ts = v[1], v[2]
    local category = categoryOf[product]
    if category == nil then
      category = redis.call('HGET', P .. 'product:' .. product, 'category') or false
      categoryOf[product] = category
    end
    if not category then
      kindCounts['unknown_product'] = (kindCounts['unknown_product'] or 0) + 1
    else
      -- The view stops counting once stream time reaches its time plus 24 h, rounded up to a bucket.
      local expiry = math.ceil((ts + DAY) / bucket) * bucket
      interests[category] = (interests[category] or 0) + 1
      local field = expiry .. '|' .. category
      expiries[field] = (expiries[field] or 0) + 1
      if due == nil or expiry < due then due = expiry end
      local pop = nested(popularity, category)
      pop[product] = (pop[product] or 0) + 1
      local pe = nested(popularityExpiry, expiry)
      local pf = category .. '|' .. product
      pe[pf] = (pe[pf] or 0) + 1
    end
  end
  if due ~= nil then
    local interestKey = P .. 'interest:' .. user
    for category, c in pairs(interests) do redis.call('HINCRBY', interestKey, category, c) end
    touch(interestKey, userTtl)
    local expKey = P .. 'interest:expiry:' .. user
    for field, c in pairs(expiries) do redis.call('HINCRBY', expKey, field, c) end
    touch(expKey, userTtl)
    interestDue[user] = due
  end
end
zaddAll(P .. 'interest:due', 'LT', interestDue)
for category, products in pairs(popularity) do
  local key = P .. 'category:' .. category
  for product, c in pairs(products) do redis.call('ZINCRBY', key, c, product) end
end
for expiry, fields in pairs(popularityExpiry) do
  local key = P .. 'popularity:expiry:' .. expiry
  for field, c in pairs(fields) do redis.call('HINCRBY', key, field, c) end
  redis.call('ZADD', P .. 'popularity:due', expiry, expiry)
end

for user, products in pairs(boughtAt) do
  local key = P .. 'bought:' .. user
  local newest = 0
  zaddAll(key, 'GT', products)
  for _, ts in pairs(products) do
    if ts > newest then newest = ts end
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (newest - lookback))
  redis.call('PEXPIRE', key, lookback)
end

for user, products in pairs(cartedAt) do
  local key = P .. 'carted:' .. user
  zaddAll(key, 'GT', products)
  touch(key, userTtl)
end

for key, ttl in pairs(touched) do redis.call('EXPIRE', key, ttl) end
for text, start in pairs(windows) do redis.call('ZADD', P .. 'trending:windows', start, text) end
for reason, c in pairs(dlqCounts) do redis.call('HINCRBY', P .. 'dlq:counts', reason, c) end
for kind, c in pairs(kindCounts) do redis.call('HINCRBY', P .. 'speed:counts', kind, c) end
redis.call('HSET', watermarkKey, partition, lastOffset)
redis.call('SET', P .. 'stream:time', streamTime)
-- Wall-clock time of this flush, so /health can say how fresh the speed layer is whatever the event times.
local clock = redis.call('TIME')
redis.call('SET', P .. 'speed:applied_at', clock[1] * 1000 + math.floor(clock[2] / 1000))

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
  markDirty(user)
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

return {applied, skipped, late, dirtyList}
