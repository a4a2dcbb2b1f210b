package io.nowcast.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Topic set-up against the real broker: the system's topics exist as Topics describes them. */
class TopicSetupIT {
    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    @Test
    void theLocalBrokerHasEveryTopicWithItsPartitionsAndTheCatalogCompacted() throws Exception {
        String bootstrap = TestServers.kafka();
        try (Admin admin = admin(bootstrap)) {
            List<String> names = Topics.all(1).stream().map(Topics.TopicSpec::name).toList();
            Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
            assertEquals(names.size(), topics.size());
            assertTrue(topics.get(Topics.USER_ACTIVITY).partitions().size() >= 1);
            assertEquals(1, topics.get(Topics.USER_ACTIVITY_DLQ).partitions().size());
            ConfigResource catalog = new ConfigResource(ConfigResource.Type.TOPIC, Topics.PRODUCT_CATALOG);
            ConfigResource activity = new ConfigResource(ConfigResource.Type.TOPIC, Topics.USER_ACTIVITY);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(catalog, activity)).all().get();
            assertEquals("compact", configs.get(catalog).get("cleanup.policy").value());
            assertEquals("delete", configs.get(activity).get("cleanup.policy").value());
        }
    }

    @Test
    void ensureCreatesWhatIsMissingAndLeavesExistingTopicsAlone() throws Exception {
        String bootstrap = TestServers.kafka();
        String name = "it_topic_" + UUID.randomUUID().toString().substring(0, 8);
        var spec = new Topics.TopicSpec(name, 3, Map.of("cleanup.policy", "compact"));
        List<String> first = TopicSetup.ensure(bootstrap, List.of(spec), 30_000);
        List<String> second = TopicSetup.ensure(bootstrap, List.of(spec), 30_000);
        assertEquals(List.of(name + " (created, 3 partitions, compacted)"), first);
        assertEquals(List.of(name + " (exists)"), second);
        try (Admin admin = admin(bootstrap)) {
            assertEquals(3, admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().size());
            admin.deleteTopics(List.of(name)).all().get();
        }
    }
}
