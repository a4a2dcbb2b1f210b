package io.nowcast.ingest;

import io.nowcast.catalog.ProductJson;
import io.nowcast.events.EventJson;
import io.nowcast.topics.Topics;
import java.util.Set;

/**
 * Checks one JSON line against what its topic expects and says which Kafka key and value it becomes.
 * Events are checked against the event schema, catalog lines against the product schema.
 */
final class LineCheck {
    /** Topics that {@code produce} writes to; the DLQ is the speed layer's alone. */
    static final Set<String> TOPICS = Set.of(Topics.USER_ACTIVITY, Topics.PRODUCT_CATALOG);

    /** A line's verdict: a key and value to send (null value = tombstone), or an error. */
    record Verdict(String key, String value, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private LineCheck() {}

    static Verdict check(String topic, String line) {
        if (topic.equals(Topics.USER_ACTIVITY)) {
            EventJson.Parsed p = EventJson.parse(line);
            return p.ok() ? new Verdict(p.event().kafkaKey(), line, null) : new Verdict(null, null, p.explain());
        }
        ProductJson.Parsed p = ProductJson.parse(line);
        if (!p.ok()) {
            return new Verdict(null, null, p.error());
        }
        return new Verdict(p.key(), p.product() == null ? null : line, null);
    }
}
