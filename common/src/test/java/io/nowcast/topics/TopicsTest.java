package io.nowcast.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void namesAreTheDesignsAndOnlyTheCatalogIsCompacted() {
        List<Topics.TopicSpec> all = Topics.all(3);
        assertEquals(List.of("user_activity", "product_catalog", "user_activity_dlq", "product_catalog_dlq"), all.stream().map(Topics.TopicSpec::name).toList());
        assertEquals(3, all.get(0).partitions());
        assertFalse(all.get(0).compacted());
        assertTrue(all.get(1).compacted());
        assertFalse(all.get(2).compacted());
        assertFalse(all.get(3).compacted());
    }
}
