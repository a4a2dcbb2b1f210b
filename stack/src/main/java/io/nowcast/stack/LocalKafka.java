package io.nowcast.stack;

import io.nowcast.config.Env;
import io.nowcast.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * Runs a real single-node Kafka broker in KRaft mode from Kafka's own Maven artifacts, for the local
 * stack and the integration tests. Formats its log folder on first start, creates the topics in
 * {@link Topics}, then writes a {@code ready} file that {@code ./nowcast} waits for.
 */
public final class LocalKafka {
    private LocalKafka() {}

    /** The settings of the local broker, from {@code NOWCAST_*} variables. */
    record Settings(Path dir, String host, int port, int controllerPort, int activityPartitions) {
        static Settings from(Env env) {
            Path data = Path.of(env.string("NOWCAST_DATA_DIR", ".nowcast"));
            Settings s = new Settings(data.resolve("kafka").toAbsolutePath(),
                    env.string("NOWCAST_BIND_HOST", "127.0.0.1"),
                    env.port("NOWCAST_KAFKA_PORT", 9092),
                    env.port("NOWCAST_KAFKA_CONTROLLER_PORT", 9093),
                    env.integer("NOWCAST_ACTIVITY_PARTITIONS", 2, 1, 64));
            env.check();
            return s;
        }

        String bootstrap() {
            return host + ":" + port;
        }
    }

    /** The broker properties that ran here (FACTS.md, "Kafka broker from Maven artifacts"). */
    static Properties brokerProperties(Settings s) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + s.host() + ":" + s.controllerPort());
        p.setProperty("listeners", "PLAINTEXT://" + s.host() + ":" + s.port() + ",CONTROLLER://" + s.host() + ":" + s.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://" + s.host() + ":" + s.port());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", String.valueOf(s.activityPartitions()));
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("log.dirs", s.dir().resolve("log").toString());
        p.setProperty("log.retention.check.interval.ms", "60000");
        p.setProperty("log.cleaner.backoff.ms", "5000");
        return p;
    }

    public static void main(String[] args) {
        Settings s;
        try {
            s = Settings.from(Env.system());
        } catch (Env.ConfigException e) {
            System.err.println("nowcast kafka: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path ready = s.dir().resolve("ready");
        try {
            Files.createDirectories(s.dir());
            Files.deleteIfExists(ready);
            Path props = s.dir().resolve("server.properties");
            try (var out = Files.newBufferedWriter(props)) {
                brokerProperties(s).store(out, "written by nowcast LocalKafka; edits are overwritten");
            }
            if (!Files.exists(s.dir().resolve("log").resolve("meta.properties"))) {
                format(props);
            }
            Thread setup = new Thread(() -> createTopicsThenMarkReady(s, ready), "nowcast-topic-setup");
            setup.setDaemon(true);
            setup.start();
            // Blocks until the broker shuts down (SIGTERM runs Kafka's own shutdown hook).
            kafka.Kafka.main(new String[] {props.toString()});
        } catch (IOException e) {
            System.err.println("nowcast kafka: cannot prepare " + s.dir() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static void format(Path props) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = kafka.tools.StorageTool.execute(new String[] {
                "format", "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c", props.toString()},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.out.print(buf.toString(StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka log folder failed (exit " + rc + "): " + buf.toString(StandardCharsets.UTF_8));
        }
    }

    private static void createTopicsThenMarkReady(Settings s, Path ready) {
        try {
            var created = TopicSetup.ensure(s.bootstrap(), Topics.all(s.activityPartitions()), 120_000);
            Files.writeString(ready, s.bootstrap() + "\n");
            System.out.println("nowcast: Kafka ready at " + s.bootstrap() + "; topics " + created);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + ready, e);
        } catch (RuntimeException e) {
            System.err.println("nowcast: topic set-up failed: " + e);
            e.printStackTrace();
        }
    }
}
