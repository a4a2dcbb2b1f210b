-- The refresher's claim of its next round (RecommendationRefresher): the longest-waiting users of the
-- re-merge queue move to the set of users being merged, with their first-change times, in one call, so
-- a crash leaves each user in one of the two (a refresher that starts queues the second's again).
--
-- ARGV: 1 the queue (recommendations:dirty), 2 the set being merged (recommendations:refreshing),
--       3 the most users to take.
-- Returns the users taken, oldest first, as member, score pairs.
local oldest = redis.call('ZRANGE', ARGV[1], 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
if #oldest == 0 then return oldest end
local scored = {}
local members = {}
for i = 1, #oldest, 2 do
  scored[#scored + 1] = oldest[i + 1]
  scored[#scored + 1] = oldest[i]
  members[#members + 1] = oldest[i]
end
redis.call('ZADD', ARGV[2], unpack(scored))
redis.call('ZREM', ARGV[1], unpack(members))
return oldest
