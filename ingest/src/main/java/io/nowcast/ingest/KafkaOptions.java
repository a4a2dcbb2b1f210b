package io.nowcast.ingest;

import picocli.CommandLine.Option;

/** The {@code --bootstrap} option every ingest command shares, defaulting to the configured cluster. */
public final class KafkaOptions {
    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: NOWCAST_KAFKA_BOOTSTRAP, else 127.0.0.1:NOWCAST_KAFKA_PORT).")
    String bootstrap;

    private final String configured;

    /** @param configured the bootstrap servers from the environment; IngestMain's factory passes them */
    public KafkaOptions(String configured) {
        this.configured = configured;
    }

    public String bootstrap() {
        return bootstrap != null ? bootstrap : configured;
    }
}
