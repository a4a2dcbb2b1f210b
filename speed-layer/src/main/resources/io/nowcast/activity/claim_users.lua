-- The refresher's claim of its next round (RecommendationRefresher): the longest-waiting users of the
-- re-merge queue move to the set of users being merged, with their first-change times, in one call, so
-- a crash leaves each user in one of the two (a refresher that starts queues the second's again).
-- ZRANGESTORE and ZREMRANGEBYRANK copy and cut the range inside Redis: the users pass through Lua once,
-- on their way out.
--
-- ARGV: 1 the queue (recommendations:dirty), 2 the set being merged (recommendations:refreshing),
--       3 the most users to take.
-- Returns the users taken, oldest first, as member, score pairs.
if redis.call('EXISTS', ARGV[2]) == 1 then
  -- A round that was never let go of (the caller requeues on failure, so this is only a safeguard):
  -- its users go back to the queue at their places rather than be overwritten.
  redis.call('ZUNIONSTORE', ARGV[1], 2, ARGV[1], ARGV[2], 'AGGREGATE', 'MIN')
end
local last = tonumber(ARGV[3]) - 1
if redis.call('ZRANGESTORE', ARGV[2], ARGV[1], 0, last) == 0 then return {} end
redis.call('ZREMRANGEBYRANK', ARGV[1], 0, last)
return redis.call('ZRANGE', ARGV[2], 0, -1, 'WITHSCORES')
