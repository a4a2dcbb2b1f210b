package io.nowcast.activity;

import io.nowcast.redis.RedisKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Ties the lanes' watermarks in Redis ({@code offsets:user_activity:{p}}, {@code offsets:trending:{p}}) to
 * one incarnation of the {@code user_activity} topic, by its Kafka topic id. Offsets count from 0 again in a
 * topic deleted and created anew (the launcher's own broker after {@code ./nowcast down --purge}), and
 * watermarks left from the old one would make the speed layer skip the new topic's events, silently, up to
 * the old offsets. So the job, as it starts, compares the topic's id with the one Redis holds. When it
 * differs, it drops the watermarks and records the new id in one transaction, and the new topic's events are
 * applied from its start (what the old topic's events left in Redis stays). When Redis holds no id yet, it
 * records this topic's, and drops the watermarks only if one is at or beyond its partition's end offset.
 */
public final class ActivityTopic {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityTopic.class);

    /** What {@link #adopt} found. */
    public enum Outcome {
        /** Redis held no topic id: it holds this topic's now, and the watermarks (none beyond the topic's ends) were kept. */
        RECORDED,
        /** Redis held this topic's id: nothing changed. */
        SAME,
        /** Redis held another topic's id, or none and a watermark beyond this topic's end: the watermarks were dropped and this topic's id recorded. */
        REPLACED,
        /** The topic does not exist (yet): nothing changed. */
        NO_TOPIC
    }

    private ActivityTopic() {}

    public static Outcome adopt(UnifiedJedis redis, RedisKeys keys, Admin admin, String topic) {
        TopicDescription described;
        try {
            described = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                LOG.warn("topic {} does not exist yet; its id is recorded at the next start", topic);
                return Outcome.NO_TOPIC;
            }
            throw new IllegalStateException("describing topic " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
        String id = described.topicId().toString();
        String held = redis.get(keys.topicId(topic));
        if (id.equals(held)) {
            return Outcome.SAME;
        }
        // With no id recorded (Redis from before this check), the watermarks are dropped only if one is at or
        // beyond its partition's end: it cannot have come from this topic.
        List<String> watermarks = held == null && !beyondTheEnd(redis, keys, admin, topic, described.partitions().size()) ? List.of() : watermarks(redis, keys);
        try (AbstractTransaction tx = redis.multi()) {
            watermarks.forEach(tx::del);
            tx.set(keys.topicId(topic), id);
            tx.exec();
        }
        if (held == null && watermarks.isEmpty()) {
            return Outcome.RECORDED;
        }
        LOG.warn("{} is a new topic (id {}; Redis held the watermarks of {}): dropped {} watermarks, so its events are applied from its start",
                topic, id, held == null ? "a topic with more records" : held, watermarks.size());
        return Outcome.REPLACED;
    }

    private static boolean beyondTheEnd(UnifiedJedis redis, RedisKeys keys, Admin admin, String topic, int partitions) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            for (int p = 0; p < partitions; p++) {
                long end = ends.get(new TopicPartition(topic, p)).offset();
                for (String key : new String[] {keys.activityOffset(p), keys.trendingOffset(p)}) {
                    String applied = redis.get(key);
                    if (applied != null && Long.parseLong(applied) >= end) {
                        return true;
                    }
                }
            }
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the end offsets of " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the end offsets of " + topic, e);
        }
    }

    private static List<String> watermarks(UnifiedJedis redis, RedisKeys keys) {
        List<String> out = new ArrayList<>();
        for (String pattern : keys.watermarkPatterns()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams params = new ScanParams().match(pattern).count(1_000);
            do {
                ScanResult<String> page = redis.scan(cursor, params);
                out.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return out;
    }
}
