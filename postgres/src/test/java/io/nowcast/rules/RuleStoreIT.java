package io.nowcast.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.db.TestDatabase;
import io.nowcast.recommend.MerchandisingRules;
import io.nowcast.recommend.RulesJson;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Rules in a real PostgreSQL: versions, replacement, removal, checks; and their cache in a real Redis. */
class RuleStoreIT {
    @Test
    void everyChangeRaisesTheVersionAndReturnsTheWholeRuleSet() {
        try (TestDatabase db = TestDatabase.create("rules")) {
            RuleStore store = new RuleStore(db.database());
            assertEquals(MerchandisingRules.NONE, store.current());
            store.put(Rule.Kind.PIN, "p1", 3, "summer sale", "alice");
            MerchandisingRules r = store.put(Rule.Kind.PIN, "p1", 1, null, "bob");
            assertEquals(Map.of("p1", 1), r.pins(), "a second pin of the same product moves it");
            r = store.put(Rule.Kind.BLOCK_CATEGORY, "toys", null, null, "bob");
            r = store.put(Rule.Kind.BLOCK_PRODUCT, "p9", null, "recalled", "bob");
            assertEquals(new MerchandisingRules(4, Map.of("p1", 1), Set.of("p9"), Set.of("toys")), r);
            assertEquals(r, store.current());
            assertEquals(List.of("pin:p1:1:bob", "block_product:p9:null:bob", "block_category:toys:null:bob"),
                    store.list().stream().map(x -> x.kind().sql() + ":" + x.target() + ":" + x.position() + ":" + x.createdBy()).toList());

            assertEquals(5, store.remove(Rule.Kind.BLOCK_CATEGORY, "toys").orElseThrow().version());
            assertTrue(store.remove(Rule.Kind.BLOCK_CATEGORY, "toys").isEmpty(), "nothing to remove");
            assertEquals(5, store.current().version(), "a removal that removed nothing changes no version");

            assertThrows(IllegalArgumentException.class, () -> store.put(Rule.Kind.PIN, "p2", null, null, "x"));
            assertThrows(IllegalArgumentException.class, () -> store.put(Rule.Kind.PIN, "p2", 0, null, "x"));
            assertThrows(IllegalArgumentException.class, () -> store.put(Rule.Kind.BLOCK_PRODUCT, "p2", 2, null, "x"));
            assertThrows(IllegalArgumentException.class, () -> store.put(Rule.Kind.BLOCK_PRODUCT, "x".repeat(201), null, null, "x"));
            assertEquals(5, store.current().version(), "refused changes change nothing");
        }
    }

    @Test
    void changesAreCachedInRedisAndAnOlderVersionNeverOverwritesANewerOne() throws Exception {
        RedisKeys keys = new RedisKeys(TestServers.uniquePrefix("rules"));
        try (TestDatabase db = TestDatabase.create("rulecache");
             RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort());
             RuleChanges changes = new RuleChanges(new RuleStore(db.database()), redis, keys, 20)) {
            changes.put(Rule.Kind.BLOCK_PRODUCT, "p1", null, null, "test");
            changes.awaitRemerge();
            assertEquals(Set.of("p1"), RulesJson.read(redis.get(keys.rules())).blockedProducts());
            assertEquals("1", redis.get(keys.rulesVersion()));

            // Someone else's newer rule set is in Redis: syncing our older view must not undo it.
            redis.set(keys.rules(), RulesJson.write(new MerchandisingRules(7, Map.of(), Set.of("p7"), Set.of())));
            redis.set(keys.rulesVersion(), "7");
            changes.sync();
            assertEquals(Set.of("p7"), RulesJson.read(redis.get(keys.rules())).blockedProducts());

            // A flushed Redis follows the database again on sync.
            redis.del(keys.rules(), keys.rulesVersion());
            assertEquals(1, changes.sync().version());
            assertEquals("1", redis.get(keys.rulesVersion()));
            redis.keys(keys.prefix() + "*").forEach(redis::del);
        }
    }
}
