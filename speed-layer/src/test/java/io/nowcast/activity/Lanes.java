package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Lane;
import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.activity.ActivityApplier.Settings;
import io.nowcast.redis.RedisKeys;
import java.util.List;
import redis.clients.jedis.RedisClient;

/** Both lanes of a flush, as one task applies them: trending first, then the per-user state. */
final class Lanes {
    final ActivityApplier trending;
    final ActivityApplier users;

    Lanes(RedisClient redis, RedisKeys keys, Settings settings) {
        trending = new ActivityApplier(redis, keys, settings, Lane.TRENDING);
        users = new ActivityApplier(redis, keys, settings, Lane.USERS);
    }

    /** Applies the records in both lanes; the users lane's result (it counts, queues and dead-letters). */
    ActivityApplier.Result apply(int partition, List<Record> records) {
        trending.apply(partition, records);
        return users.apply(partition, records);
    }
}
