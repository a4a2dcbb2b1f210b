package io.nowcast.topics;

import java.util.List;
import java.util.Map;

/**
 * Every Kafka topic name and layout, in one place. The local stack creates them from here;
 * producers and the Spark jobs name them from here. The README's topic table says the same.
 */
public final class Topics {
    private Topics() {}

    /** User activity events, JSON, keyed by user id. Written by apps, the simulator and the REST API. */
    public static final String USER_ACTIVITY = "user_activity";
    /** Product JSON keyed by product id; a delete is a tombstone. Compacted. Written by CDC or a catalog file. */
    public static final String PRODUCT_CATALOG = "product_catalog";
    /** Rejected events: the raw bytes, with the reason in the {@code reason} header. Written by the speed layer. */
    public static final String USER_ACTIVITY_DLQ = "user_activity_dlq";

    /** Catalog rows that CDC rejected (null category, negative price, oversized text): the row as JSON, keyed by product id, the reason in the {@code reason} header. */
    public static final String PRODUCT_CATALOG_DLQ = "product_catalog_dlq";

    /** Header on a dead-lettered record that names why it was rejected (a {@code RejectReason} code). */
    public static final String DLQ_REASON_HEADER = "reason";

    /** How a topic is laid out when the local stack creates it. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {
        public boolean compacted() {
            return "compact".equals(configs.get("cleanup.policy"));
        }
    }

    /**
     * The topics the system needs. {@code activityPartitions} sets the parallelism of the speed
     * layer (one core per partition in real-time mode), so it is the one number worth changing.
     */
    public static List<TopicSpec> all(int activityPartitions) {
        return List.of(
                new TopicSpec(USER_ACTIVITY, activityPartitions, Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000))),
                new TopicSpec(PRODUCT_CATALOG, activityPartitions, Map.of("cleanup.policy", "compact")),
                new TopicSpec(USER_ACTIVITY_DLQ, 1, Map.of("retention.ms", String.valueOf(14L * 24 * 3600 * 1000))),
                new TopicSpec(PRODUCT_CATALOG_DLQ, 1, Map.of("retention.ms", String.valueOf(14L * 24 * 3600 * 1000))));
    }
}
