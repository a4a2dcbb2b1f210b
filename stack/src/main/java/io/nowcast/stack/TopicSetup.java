package io.nowcast.stack;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.topics.Topics;
import io.nowcast.topics.Topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics the system needs on any broker, local or a cluster's, and leaves existing ones
 * alone. Run by the local broker at start-up and by {@code ./nowcast topics} against a cluster.
 */
public final class TopicSetup {
    private TopicSetup() {}

    /** {@code ./nowcast topics}: creates the system's topics on the configured cluster. */
    public static void main(String[] args) {
        try {
            Env env = Env.system();
            String bootstrap = Endpoints.from(env).kafkaBootstrap();
            int partitions = env.integer("NOWCAST_ACTIVITY_PARTITIONS", 2, 1, 64);
            env.check();
            ensure(bootstrap, Topics.all(partitions), 60_000).forEach(line -> System.out.println("topics: " + line));
        } catch (RuntimeException e) {
            System.err.println("nowcast topics: error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Creates whichever of {@code specs} are missing; returns a line per topic saying what was done. */
    public static List<String> ensure(String bootstrap, List<TopicSpec> specs, long timeoutMs) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<String> report = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (existing.contains(spec.name())) {
                    report.add(spec.name() + " (exists)");
                    continue;
                }
                NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(Map.copyOf(spec.configs()));
                try {
                    admin.createTopics(List.of(topic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                    report.add(spec.name() + " (created, " + spec.partitions() + " partitions" + (spec.compacted() ? ", compacted" : "") + ")");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    report.add(spec.name() + " (exists)");
                }
            }
            return report;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("creating topics on " + bootstrap + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics on " + bootstrap, e);
        }
    }
}
