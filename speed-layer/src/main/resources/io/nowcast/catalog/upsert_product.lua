-- Applies one product_catalog record: an upsert or a delete (tombstone), atomically.
-- Idempotent: replaying records in their Kafka order leaves the same state.
-- A change that may take a product out of recommendation lists (deleted, out of stock, another
-- category) raises catalog:version, which the speed layer's re-merge of keyed users follows.
-- ARGV: 1 prefix, 2 product id, 3 'upsert' or 'delete', then for an upsert:
--       4 name, 5 category, 6 price, 7 description, 8 image_url, 9 in_stock ('true'/'false').
local P, pid, op = ARGV[1], ARGV[2], ARGV[3]
local key = P .. 'product:' .. pid
local old = redis.call('HGET', key, 'category')
if op == 'delete' then
  if old then
    redis.call('ZREM', P .. 'category:' .. old, pid)
    redis.call('INCR', P .. 'catalog:version')
  end
  redis.call('DEL', key)
  redis.call('SREM', P .. 'products', pid)
  return 1
end
local category = ARGV[5]
local wasInStock = redis.call('HGET', key, 'in_stock')
if old and (old ~= category or (wasInStock == 'true' and ARGV[9] == 'false')) then
  redis.call('INCR', P .. 'catalog:version')
end
redis.call('DEL', key)
redis.call('HSET', key, 'product_id', pid, 'name', ARGV[4], 'category', category, 'price', ARGV[6],
  'description', ARGV[7], 'image_url', ARGV[8], 'in_stock', ARGV[9])
if old and old ~= category then
  -- Past views stay with the old category; the product's future views count toward the new one.
  redis.call('ZREM', P .. 'category:' .. old, pid)
end
redis.call('ZADD', P .. 'category:' .. category, 'NX', 0, pid)
redis.call('SADD', P .. 'categories', category)
redis.call('SADD', P .. 'products', pid)
return 1
