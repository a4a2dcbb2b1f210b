package io.nowcast.ingest;

/** Where ingest tools write records: a Kafka topic or a JSON-lines file. */
public interface RecordSink extends AutoCloseable {
    /** Sends one record; a null value is a tombstone (files skip tombstones with a count). */
    void send(String key, String value);

    /** Waits until everything sent so far is acknowledged (or has failed). */
    void flush();

    /** Records acknowledged so far. */
    long acknowledged();

    /** Records that failed so far, with the first failure's message in {@link #firstError()}. */
    long failed();

    String firstError();

    @Override
    void close();
}
