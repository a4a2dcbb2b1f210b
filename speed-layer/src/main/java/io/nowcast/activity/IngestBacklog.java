package io.nowcast.activity;

import io.nowcast.topics.Topics;
import io.nowcast.redis.RedisKeys;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * How far the speed layer's users lane is behind {@code user_activity}, in time: the records Kafka holds
 * beyond the lane's watermarks ({@code offsets:user_activity:{p}}), divided by the rate records arrived at
 * over the last few seconds. A thread of its own samples it once a second (one {@code ListOffsets} request
 * and one {@code MGET}), so a broker that does not answer delays no one who asks; until a sample succeeds,
 * and while they fail, it says 0 (not behind). {@link RecommendationRefresher} asks it before each rest.
 */
public final class IngestBacklog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestBacklog.class);
    /** The rate is taken over this much of the latest samples. */
    static final long RATE_WINDOW_MS = 5_000;
    /**
     * The least rate a backlog is divided by (records a second): with no records arriving, a backlog is
     * worked off at no less than this, so a stalled producer does not make any backlog look endless.
     */
    static final double MIN_RATE = 1_000;

    /** Never behind: for a refresher without Kafka (tests, bench/refresher). */
    public static final IngestBacklog NONE = new IngestBacklog();

    private record Sample(long atMs, long ends) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private volatile long behindMs;
    private final Admin admin;
    private final String topic;
    private final ScheduledExecutorService timer;

    private IngestBacklog() {
        this.admin = null;
        this.topic = null;
        this.timer = null;
    }

    private IngestBacklog(String kafkaBootstrap, String topic, UnifiedJedis redis, RedisKeys keys) {
        this.topic = topic;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nowcast-ingest-backlog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> sample(redis, keys), 0, 1, TimeUnit.SECONDS);
    }

    /** Starts sampling the users lane's backlog behind this broker's {@code user_activity}. */
    public static IngestBacklog watch(String kafkaBootstrap, UnifiedJedis redis, RedisKeys keys) {
        return watch(kafkaBootstrap, Topics.USER_ACTIVITY, redis, keys);
    }

    /** The same behind another topic (tests). */
    static IngestBacklog watch(String kafkaBootstrap, String topic, UnifiedJedis redis, RedisKeys keys) {
        return new IngestBacklog(kafkaBootstrap, topic, redis, keys);
    }

    /** How far behind the users lane was at the last sample (ms); 0 before the first and while sampling fails. */
    public long behindMs() {
        return behindMs;
    }

    private boolean failing;

    private void sample(UnifiedJedis redis, RedisKeys keys) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            List<String> applied = redis.mget(keys.activityOffsets(partitions));
            long endSum = 0;
            long records = 0;
            for (int p = 0; p < partitions; p++) {
                long end = ends.get(new TopicPartition(topic, p)).offset();
                String a = applied.get(p);
                endSum += end;
                records += Math.max(0, end - (a == null ? 0 : Long.parseLong(a) + 1));
            }
            behindMs = record(System.currentTimeMillis(), endSum, records);
            if (failing) {
                LOG.info("the users lane's backlog is read again");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            behindMs = 0;
            if (!failing) {
                LOG.warn("cannot read the users lane's backlog behind Kafka; taken as none until it can: {}", e.toString());
                failing = true;
            }
        }
    }

    /** Adds a sample (the partitions' end offsets summed, and the records beyond the watermarks); how far behind (ms). */
    synchronized long record(long atMs, long ends, long records) {
        samples.addLast(new Sample(atMs, ends));
        while (samples.size() > 2 && samples.peekFirst().atMs() < atMs - RATE_WINDOW_MS) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        double rate = first.atMs() < atMs ? (ends - first.ends()) * 1000.0 / (atMs - first.atMs()) : 0;
        return behind(records, rate);
    }

    /** Records behind, as milliseconds at this rate (records a second), never at less than {@link #MIN_RATE}. */
    static long behind(long records, double rate) {
        return records <= 0 ? 0 : (long) (records * 1000.0 / Math.max(rate, MIN_RATE));
    }

    /** A fresh backlog that only counts the samples given it (unit tests). */
    static IngestBacklog forTests() {
        return new IngestBacklog();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            admin.close();
        }
    }
}
