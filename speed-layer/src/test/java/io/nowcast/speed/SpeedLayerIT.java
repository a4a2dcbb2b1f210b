package io.nowcast.speed;

import static io.nowcast.testing.Events.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.events.Event;
import io.nowcast.events.EventJson;
import io.nowcast.events.EventType;
import io.nowcast.master.MasterDataset;
import io.nowcast.redis.RedisKeys;
import io.nowcast.spark.Spark;
import io.nowcast.testing.Events;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * The speed-layer job end to end through a real broker into a real Redis, on events with hand-worked
 * answers: trending with ties, interests, viewed/bought/carted, recommendations, dead letters per
 * reason, and the master dataset (duplicates dropped on read).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeedLayerIT {
    @TempDir
    static Path data;

    private SpeedFixture fx;
    private RedisClient redis;
    private RedisKeys keys;
    private SparkSession spark;
    private final List<String> dlqValues = new ArrayList<>();
    private boolean masterAfterFresh;
    /** Every key of this test, with its serialized value, after the fresh half and before the archive half. */
    private Map<String, String> keysAfterFresh;

    private String event(EventType type, long user, String product, Instant at, String id) {
        return EventJson.write(new Event(type, user, product, type == EventType.SEARCH ? "shoes" : null, at, id,
                type == EventType.PURCHASE ? "o1" : null, null, null, null, null));
    }

    private void product(String id, String category, boolean inStock) {
        fx.send(Topics.PRODUCT_CATALOG, id, "{\"product_id\":\"" + id + "\",\"name\":\"" + id + "\",\"category\":\""
                + category + "\",\"price\":10,\"in_stock\":" + inStock + "}");
    }

    @BeforeAll
    void runTheJobOverKnownEvents() throws Exception {
        fx = new SpeedFixture("speed", data);
        redis = RedisClient.create(TestServers.endpoints().redisHost(), TestServers.endpoints().redisPort());
        keys = new RedisKeys(fx.prefix);
        // Categories of this test's own: other tests publish the simulator's catalog to the same topic.
        product("sp_p1", "spt_shoes/running", true);
        product("sp_p2", "spt_shoes/running", true);
        product("sp_p3", "spt_shoes/running", false);
        product("sp_p4", "spt_home/kitchen", true);
        product("sp_p5", "spt_home/kitchen", true);
        product("sp_p6", "spt_books/fiction", true);

        List<String[]> events = List.of(
                new String[] {"1", event(EventType.PAGE_VIEW, 1, "sp_p1", at("10:00"), "e1")},
                new String[] {"1", event(EventType.PAGE_VIEW, 1, "sp_p4", at("10:01"), "e2")},
                new String[] {"2", event(EventType.PAGE_VIEW, 2, "sp_p1", at("10:02"), "e3")},
                new String[] {"2", event(EventType.PAGE_VIEW, 2, "sp_p2", at("10:03"), "e4")},
                new String[] {"3", event(EventType.PAGE_VIEW, 3, "sp_p5", at("10:04"), "e5")},
                new String[] {"3", event(EventType.PAGE_VIEW, 3, "sp_p5", at("10:05"), "dup-1")},
                new String[] {"3", event(EventType.PAGE_VIEW, 3, "sp_p5", at("10:05"), "dup-1")},
                new String[] {"2", event(EventType.PURCHASE, 2, "sp_p4", at("10:06"), "e8")},
                new String[] {"1", event(EventType.ADD_TO_CART, 1, "sp_p2", at("10:07"), "e9")},
                new String[] {"1", event(EventType.SEARCH, 1, null, at("10:08"), "e10")},
                new String[] {"1", event(EventType.PAGE_VIEW, 1, "sp_p6", at("09:40"), "late-1")},
                new String[] {"1", event(EventType.PAGE_VIEW, 1, "sp_p6", Instant.parse("2099-01-01T00:00:00Z"), "future-1")},
                new String[] {"1", "{\"event_type\":\"page_view\",\"user_id\":1,"},
                new String[] {"1", "{\"event_type\":\"page_view\",\"product_id\":\"sp_p1\",\"timestamp\":\"2024-07-27T10:09:00Z\"}"},
                new String[] {"1", "{\"event_type\":\"page_view\",\"user_id\":\"one\",\"product_id\":\"sp_p1\",\"timestamp\":\"2024-07-27T10:09:00Z\"}"},
                new String[] {"1", "{\"event_type\":\"teleport\",\"user_id\":1,\"product_id\":\"sp_p1\",\"timestamp\":\"2024-07-27T10:09:00Z\"}"});
        Map<TopicPartition, Long> dlqStart = dlqEnd();
        for (String[] e : events) {
            fx.send(Topics.USER_ACTIVITY, e[0], e[1]);
        }
        spark = Spark.session("speed-layer-it", "local[2]", 2);
        // In two halves, as ./nowcast runs them: what keeps Redis fresh, then the master dataset alone.
        SpeedConfig fresh = fx.config(SpeedConfig.AVAILABLE_NOW, SpeedConfig.FRESH);
        SpeedQueries.awaitBounded(fresh, SpeedQueries.start(spark, fresh));
        masterAfterFresh = Files.exists(Path.of(fx.config(SpeedConfig.AVAILABLE_NOW).masterDataset()));
        keysAfterFresh = redisKeys();
        SpeedConfig archive = fx.config(SpeedConfig.AVAILABLE_NOW, SpeedConfig.ARCHIVE);
        SpeedQueries.awaitBounded(archive, SpeedQueries.start(spark, archive));
        readDlq(dlqStart);
    }

    private Map<String, String> redisKeys() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String k : redis.keys(fx.prefix + "*")) {
            byte[] dump = redis.dump(k);
            out.put(k, dump == null ? "gone" : java.util.HexFormat.of().formatHex(dump));
        }
        return out;
    }

    @Test
    void theFreshHalfWritesNoMasterDatasetAndTheArchiveHalfLeavesRedisAlone() {
        assertFalse(masterAfterFresh, "NOWCAST_SPEED_QUERIES=fresh wrote the master dataset");
        assertFalse(keysAfterFresh.isEmpty());
        assertEquals(keysAfterFresh, redisKeys(), "NOWCAST_SPEED_QUERIES=archive changed Redis");
    }

    private Map<TopicPartition, Long> dlqEnd() {
        try (KafkaConsumer<String, String> c = consumer()) {
            return c.endOffsets(List.of(new TopicPartition(Topics.USER_ACTIVITY_DLQ, 0)));
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", fx.bootstrap), new StringDeserializer(), new StringDeserializer());
    }

    private void readDlq(Map<TopicPartition, Long> start) {
        try (KafkaConsumer<String, String> c = consumer()) {
            TopicPartition tp = new TopicPartition(Topics.USER_ACTIVITY_DLQ, 0);
            long end = c.endOffsets(List.of(tp)).get(tp);
            c.assign(List.of(tp));
            c.seek(tp, start.get(tp));
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    dlqValues.add(new String(r.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8) + " " + r.value());
                }
            }
        }
    }

    @AfterAll
    void cleanUp() {
        if (spark != null) {
            spark.stop();
        }
        if (redis != null) {
            redis.keys(fx.prefix + "*").forEach(redis::del);
            redis.close();
        }
        fx.close();
    }

    @Test
    void trendingHoldsViewCountsOfTheHour() {
        assertEquals(Map.of("sp_p1", "2", "sp_p2", "1", "sp_p4", "1", "sp_p5", "3"), redis.hgetAll(keys.trending(at("10:00"))));
    }

    @Test
    void interestsViewedBoughtAndCartedPerUser() {
        assertEquals(Map.of("spt_shoes/running", "1", "spt_home/kitchen", "1"), redis.hgetAll(keys.interest(1)));
        assertEquals(Map.of("spt_shoes/running", "2"), redis.hgetAll(keys.interest(2)));
        assertEquals(Map.of("spt_home/kitchen", "3"), redis.hgetAll(keys.interest(3)));
        assertEquals(Set.of("sp_p1", "sp_p4"), Set.copyOf(redis.zrange(keys.viewed(1), 0, -1)));
        assertEquals(List.of("sp_p4"), redis.zrange(keys.bought(2), 0, -1));
        assertEquals(List.of("sp_p2"), redis.zrange(keys.carted(1), 0, -1));
    }

    @Test
    void catalogIsInRedisWithItsCategoryIndex() {
        assertEquals("spt_shoes/running", redis.hget(keys.product("sp_p3"), "category"));
        assertEquals("false", redis.hget(keys.product("sp_p3"), "in_stock"));
        assertEquals(Set.of("sp_p1", "sp_p2", "sp_p3"), Set.copyOf(redis.zrange(keys.category("spt_shoes/running"), 0, -1)));
        assertEquals(3.0, redis.zscore(keys.category("spt_home/kitchen"), "sp_p5"));
        // The test broker's catalog topic also holds other tests' products; these are this test's.
        assertTrue(redis.smembers(keys.products()).containsAll(Set.of("sp_p1", "sp_p2", "sp_p3", "sp_p4", "sp_p5", "sp_p6")),
                "the catalog's product set, which the batch layer checks purchases against");
    }

    @Test
    void recommendationsFollowTheUsersCategoriesAndLeaveOutWhatTheySawOrBought() throws Exception {
        JsonNode u1 = new ObjectMapper().readTree(redis.get(keys.recommendations(1)));
        assertEquals(1, u1.get("user_id").asLong());
        // Categories tie at one view each, so home/kitchen ranks first; sp_p1 and sp_p4 were viewed, sp_p3 is out of stock.
        assertEquals(List.of("sp_p5", "sp_p2"), ids(u1));
        assertEquals("speed", u1.get("items").get(0).get("source").asText());
        assertTrue(u1.get("items").get(0).get("reason").asText().contains("spt_home/kitchen"), u1.toString());

        JsonNode u3 = new ObjectMapper().readTree(redis.get(keys.recommendations(3)));
        assertEquals("sp_p4", ids(u3).get(0));
        assertFalse(ids(u3).contains("sp_p5"), "viewed");
        assertFalse(ids(u3).contains("sp_p3"), "out of stock");
        JsonNode u2 = new ObjectMapper().readTree(redis.get(keys.recommendations(2)));
        assertFalse(ids(u2).contains("sp_p4"), "bought");
    }

    private static List<String> ids(JsonNode rec) {
        List<String> out = new ArrayList<>();
        rec.get("recommended_products").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void badEventsAreCountedPerReasonAndDeadLetteredWithTheirBytes() {
        assertEquals(Map.of("late", "1", "future_timestamp", "1", "unparseable", "1", "missing_field", "1",
                "wrong_type", "1", "unknown_event_type", "1"), redis.hgetAll(keys.dlqCounts()));
        Map<String, Integer> reasons = new HashMap<>();
        dlqValues.forEach(v -> reasons.merge(v.substring(0, v.indexOf(' ')), 1, Integer::sum));
        assertEquals(Map.of("late", 1, "future_timestamp", 1, "unparseable", 1, "missing_field", 1,
                "wrong_type", 1, "unknown_event_type", 1), reasons, dlqValues.toString());
        assertTrue(dlqValues.contains("unparseable {\"event_type\":\"page_view\",\"user_id\":1,"), dlqValues.toString());
        assertEquals(String.valueOf(at("10:08").toEpochMilli()), redis.get(keys.streamTime()), "neither late nor future events move stream time");
    }

    @Test
    void masterDatasetHoldsEveryValidEventPartitionedByDateAndReadsEachEventIdOnce() {
        String root = fx.config(SpeedConfig.AVAILABLE_NOW).masterDataset();
        var files = spark.read().parquet(root);
        assertEquals(2, files.filter("event_id = 'dup-1'").count(), "appended once per Kafka record, duplicates and all");
        assertEquals(1, files.filter("event_id = 'late-1'").count(), "a late event is kept for the batch layer");
        assertEquals(0, files.filter("event_id = 'future-1'").count(), "an invalid event is not");
        var rows = MasterDataset.read(spark, List.of(root), all -> all);
        assertEquals(1, rows.filter("event_id = 'dup-1'").count(), "the reader keeps one event per event_id");
        assertEquals(0, rows.filter("event_id = 'future-1'").count());
        assertEquals(10, rows.filter("event_id IN ('e1','e2','e3','e4','e5','dup-1','e8','e9','e10','late-1')").count());
        assertEquals(1, rows.filter("event_type = 'purchase' AND order_id = 'o1' AND user_id = 2").count());
        assertEquals(List.of("2024-07-27"), rows.filter("event_id = 'e1'").select(MasterDataset.EVENT_DATE).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }
}
