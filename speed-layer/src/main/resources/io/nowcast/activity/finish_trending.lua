-- A flush of user_activity's trending lane. It runs inside the flush's MULTI/EXEC, beside the lane's new
-- watermark (ActivityApplier), so it is applied exactly once together with it: it adds the flush's views
-- to trending:counts:{window}, rewrites the top 10 of each window from the new counts ZINCRBY returns,
-- and keeps the windows' index and expiry. (A flush of a few milliseconds counts mostly distinct
-- products: adding them here saves reading each count back.)
--
-- ARGV: 1 key prefix, 2 window TTL s, 3 window count,
--       then per window: window text, window start ms, product count n, then n pairs product id, views.
local P = ARGV[1]
local windowTtl = tonumber(ARGV[2])
local windowCount = tonumber(ARGV[3])

local TOP = 10

-- Ordering of the trending top 10: count descending, then product id ascending.
local function better(c1, p1, c2, p2)
  return c1 > c2 or (c1 == c2 and p1 < p2)
end

-- A window's new top 10, from its old top 10 and the products this flush counted, with their new
-- counts. Counts only grow, so a product in neither set stays below every old member: nothing is missed.
-- Nor can a counted product that ranks below the old tenth get in (the old members' counts only grew),
-- so with a full top 10 only the counted products that beat its tenth, or were in it, are ranked: most
-- of a flush's products are the long tail, and sorting all of them cost the script most of its time.
local function rewriteTop(topKey, counted)
  local all = redis.call('HGETALL', topKey)
  local candidates = {}
  local size = 0
  local lastCount, lastProduct
  for i = 1, #all, 2 do
    local product, c = all[i], tonumber(all[i + 1])
    candidates[product] = c
    size = size + 1
    if lastCount == nil or better(lastCount, lastProduct, c, product) then
      lastCount, lastProduct = c, product
    end
  end
  local full = size >= TOP
  local changed = false
  for product, c in pairs(counted) do
    if not full or candidates[product] ~= nil or better(c, product, lastCount, lastProduct) then
      candidates[product] = c
      changed = true
    end
  end
  if not changed then return end
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

local at = 4
for _ = 1, windowCount do
  local text, start, n = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2])
  local countsKey = P .. 'trending:counts:' .. text
  local topKey = P .. 'trending:' .. text
  local counted = {}
  for i = 1, n do
    local product = ARGV[at + 1 + 2 * i]
    counted[product] = tonumber(redis.call('ZINCRBY', countsKey, ARGV[at + 2 + 2 * i], product))
  end
  at = at + 3 + 2 * n
  rewriteTop(topKey, counted)
  redis.call('EXPIRE', countsKey, windowTtl)
  redis.call('EXPIRE', topKey, windowTtl)
  redis.call('ZADD', P .. 'trending:windows', start, text)
end

