package io.nowcast.cf;

import io.nowcast.batch.BatchConfig;
import io.nowcast.batch.CrashPoint;
import io.nowcast.copurchase.NeighbourTable;
import io.nowcast.publish.BatchPublisher;
import io.nowcast.recommend.BatchJson;
import io.nowcast.recommend.CfItem;
import io.nowcast.redis.RedisKeys;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;

/**
 * Computes each user's CF list on the executors and writes it into the version being published
 * ({@code cf:{version}}), in pipelined chunks.
 * Input rows: {@link io.nowcast.copurchase.Baskets#BY_USER}.
 */
public final class CfWriter implements ForeachPartitionFunction<Row> {
    private final BatchConfig config;
    private final String version;
    private final Broadcast<NeighbourTable> table;
    private final LongAccumulator users;

    public CfWriter(BatchConfig config, String version, Broadcast<NeighbourTable> table, LongAccumulator users) {
        this.config = config;
        this.version = version;
        this.table = table;
        this.users = users;
    }

    @Override
    public void call(Iterator<Row> rows) {
        NeighbourTable t = table.value();
        String key = new RedisKeys(config.endpoints().redisPrefix()).cf(version);
        boolean crashHere = TaskContext.getPartitionId() == 0;
        UserLists.Scratch scratch = new UserLists.Scratch(t.index().size());
        try (RedisClient redis = RedisClient.create(config.endpoints().redisHost(), config.endpoints().redisPort());
             AbstractPipeline p = redis.pipelined()) {
            Map<String, String> chunk = new HashMap<>();
            while (rows.hasNext()) {
                Row r = rows.next();
                int[] bought = java.util.Arrays.stream(io.nowcast.copurchase.Baskets.of(r)).flatMapToInt(java.util.Arrays::stream).distinct().toArray();
                List<CfItem> list = UserLists.of(bought, t, config.cfSize(), scratch);
                if (list.isEmpty()) {
                    continue;
                }
                chunk.put(Long.toString(r.getLong(0)), BatchJson.cf(list));
                users.add(1);
                if (chunk.size() == BatchPublisher.CHUNK) {
                    BatchPublisher.writeChunk(p, key, chunk);
                    chunk = new HashMap<>();
                    if (crashHere) {
                        p.sync();
                        CrashPoint.maybe(config, BatchConfig.CRASH_MID_CF);
                        crashHere = false;
                    }
                }
            }
            BatchPublisher.writeChunk(p, key, chunk);
            p.sync();
            if (crashHere) {
                CrashPoint.maybe(config, BatchConfig.CRASH_MID_CF);
            }
        }
    }
}
