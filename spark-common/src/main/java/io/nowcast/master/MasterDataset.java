package io.nowcast.master;

import io.nowcast.events.EventCheck;
import io.nowcast.events.Event;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The master dataset: every valid event, as Parquet partitioned by {@code event_date} (UTC). The speed
 * layer appends to it, once per Kafka record (the file sink's log makes that exactly once across
 * crashes); a history import writes the same shape; the batch layer reads it through {@link #read},
 * which keeps one event per {@code event_id} over the whole history. Events are checked by the same
 * {@link EventCheck} as the Redis path. Unlike that path, the master dataset keeps events that arrive
 * later than the allowed lateness: the nightly recompute counts them, as a batch layer should.
 *
 * <p>Why de-duplicate on read, not on write: a streaming de-duplication needs a shuffle and a state
 * store holding every {@code event_id} of the lateness period (18 M ids at 20 K events/s); on two cores
 * it took more than half of the speed layer's CPU and made the job fall behind. The batch job shuffles
 * its purchases anyway, and on read a duplicate is caught however far apart the copies arrived.
 */
public final class MasterDataset {
    public static final String EVENT_TYPE = "event_type";
    public static final String USER_ID = "user_id";
    public static final String PRODUCT_ID = "product_id";
    public static final String QUERY = "query";
    public static final String TIMESTAMP = "timestamp";
    public static final String EVENT_ID = "event_id";
    public static final String ORDER_ID = "order_id";
    public static final String SESSION_ID = "session_id";
    public static final String QUANTITY = "quantity";
    public static final String PRICE = "price";
    public static final String REC_ID = "rec_id";
    public static final String EVENT_DATE = "event_date";

    public static final StructType SCHEMA = new StructType()
            .add(EVENT_TYPE, DataTypes.StringType, false)
            .add(USER_ID, DataTypes.LongType, false)
            .add(PRODUCT_ID, DataTypes.StringType, true)
            .add(QUERY, DataTypes.StringType, true)
            .add(TIMESTAMP, DataTypes.TimestampType, false)
            .add(EVENT_ID, DataTypes.StringType, true)
            .add(ORDER_ID, DataTypes.StringType, true)
            .add(SESSION_ID, DataTypes.StringType, true)
            .add(QUANTITY, DataTypes.IntegerType, true)
            .add(PRICE, DataTypes.DoubleType, true)
            .add(REC_ID, DataTypes.StringType, true)
            .add(EVENT_DATE, DataTypes.DateType, false);

    private MasterDataset() {}

    /** Where the master dataset lives by default: {@code master/events} under the data folder. */
    public static java.nio.file.Path defaultLocation(String dataDir) {
        return java.nio.file.Path.of(dataDir).resolve("master").resolve("events");
    }

    /**
     * Where imported history lives by default: {@code master/history}, beside the speed layer's events.
     * It is a root of its own because the speed layer's file sink lists its files in a log
     * ({@code _spark_metadata}), and readers of that root see only the files the log names.
     */
    public static java.nio.file.Path defaultHistoryLocation(String dataDir) {
        return java.nio.file.Path.of(dataDir).resolve("master").resolve("history");
    }

    /**
     * Raw event JSON (one binary or string column) → valid events in {@link #SCHEMA}. Bad ones are dropped
     * here: the speed layer's Redis path dead-letters and counts them, and a history import reports them.
     */
    public static Dataset<Row> validEvents(Dataset<Row> rawValues, long futureSkewMs) {
        // Parsed into plain numbers, converted by Spark's own expressions: a Row of java.sql.Timestamp and
        // Date cost the speed layer a fifth of its master-dataset CPU in calendar conversions.
        Dataset<Row> parsed = rawValues.mapPartitions(new Parse(futureSkewMs), Encoders.row(PARSED));
        List<Column> columns = new ArrayList<>();
        for (String name : SCHEMA.fieldNames()) {
            columns.add(switch (name) {
                case TIMESTAMP -> functions.timestamp_micros(parsed.col(TIMESTAMP_MICROS)).as(TIMESTAMP);
                case EVENT_DATE -> functions.date_from_unix_date(parsed.col(EPOCH_DAY)).as(EVENT_DATE);
                default -> parsed.col(name);
            });
        }
        return parsed.select(columns.toArray(Column[]::new));
    }

    /**
     * Options for every writer of the master dataset. Dictionary encoding is off for the columns that are
     * nearly unique per event: a miss in the writer's dictionary probes it with byte-by-byte compares, and
     * in the speed layer that took a tenth of the job's CPU for no gain in size.
     */
    public static final Map<String, String> WRITE_OPTIONS = Map.of(
            "parquet.enable.dictionary#" + EVENT_ID, "false",
            "parquet.enable.dictionary#" + SESSION_ID, "false",
            "parquet.enable.dictionary#" + ORDER_ID, "false",
            "parquet.enable.dictionary#" + TIMESTAMP, "false");

    private static final String TIMESTAMP_MICROS = "timestamp_micros";
    private static final String EPOCH_DAY = "epoch_day";
    /** What {@link Parse} emits: {@link #SCHEMA} with the timestamp as microseconds and the date as a day number. */
    private static final StructType PARSED = parsedSchema();

    private static StructType parsedSchema() {
        StructType out = new StructType();
        for (org.apache.spark.sql.types.StructField f : SCHEMA.fields()) {
            out = switch (f.name()) {
                case TIMESTAMP -> out.add(TIMESTAMP_MICROS, DataTypes.LongType, false);
                case EVENT_DATE -> out.add(EPOCH_DAY, DataTypes.IntegerType, false);
                default -> out.add(f);
            };
        }
        return out;
    }

    /**
     * The events of these roots (the speed layer's and imported history), unioned, with a filter applied
     * before de-duplication (copies of one event agree on every column, so filtering first is safe and
     * shuffles less), then one event per {@code event_id}; events without an id are kept as they are.
     */
    public static Dataset<Row> read(SparkSession spark, List<String> roots, java.util.function.UnaryOperator<Dataset<Row>> filter) {
        Dataset<Row> all = null;
        for (String root : roots) {
            Dataset<Row> one = spark.read().schema(SCHEMA).parquet(root);
            all = all == null ? one : all.unionByName(one);
        }
        if (all == null) {
            throw new IllegalArgumentException("no master dataset roots to read");
        }
        return deduplicated(filter.apply(all));
    }

    /** One event per {@code event_id}; events without an id pass as they are. Batch (not streaming) use. */
    public static Dataset<Row> deduplicated(Dataset<Row> events) {
        Dataset<Row> withId = events.filter(events.col(EVENT_ID).isNotNull()).dropDuplicates(EVENT_ID);
        return withId.unionByName(events.filter(events.col(EVENT_ID).isNull()));
    }

    private static final class Parse implements MapPartitionsFunction<Row, Row> {
        private final long futureSkewMs;

        Parse(long futureSkewMs) {
            this.futureSkewMs = futureSkewMs;
        }

        /** One event at a time, as the input is read: nothing of a partition is held. */
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            return new Iterator<>() {
                private Row next;

                @Override
                public boolean hasNext() {
                    while (next == null && input.hasNext()) {
                        Object raw = input.next().get(0);
                        byte[] value = raw instanceof String text ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) raw;
                        EventCheck.Verdict v = EventCheck.check(value, System.currentTimeMillis(), futureSkewMs);
                        if (v.ok()) {
                            next = parsedRow(v.event());
                        }
                    }
                    return next != null;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    Row r = next;
                    next = null;
                    return r;
                }
            };
        }
    }

    private static Row parsedRow(Event e) {
        java.time.Instant t = e.timestamp();
        long micros = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
        return RowFactory.create(e.type().code(), e.userId(), e.productId(), e.query(), micros,
                e.eventId(), e.orderId(), e.sessionId(), e.quantity(), e.price(), e.recId(),
                (int) Math.floorDiv(t.getEpochSecond(), 86_400L));
    }

    public static Row row(Event e) {
        return RowFactory.create(e.type().code(), e.userId(), e.productId(), e.query(), Timestamp.from(e.timestamp()),
                e.eventId(), e.orderId(), e.sessionId(), e.quantity(), e.price(), e.recId(),
                java.sql.Date.valueOf(e.timestamp().atZone(ZoneOffset.UTC).toLocalDate()));
    }
}
