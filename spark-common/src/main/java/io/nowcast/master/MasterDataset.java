package io.nowcast.master;

import io.nowcast.events.EventCheck;
import io.nowcast.events.Event;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The master dataset: every valid event, as Parquet partitioned by {@code event_date} (UTC). The speed
 * layer appends to it; the batch layer reads it; a history import writes the same shape. Events are checked by the same {@link EventCheck} as the Redis path; duplicates by
 * {@code event_id} are dropped within the allowed lateness, and events later than that are left out,
 * as the speed layer dead-letters them.
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
        return rawValues.mapPartitions(new Parse(futureSkewMs), Encoders.row(SCHEMA));
    }

    /** Drops repeated {@code event_id}s seen within {@code lateness}; events without an id pass as they are. */
    public static Dataset<Row> deduplicated(Dataset<Row> events, String lateness) {
        Dataset<Row> withId = events.filter(events.col(EVENT_ID).isNotNull())
                .withWatermark(TIMESTAMP, lateness).dropDuplicatesWithinWatermark(EVENT_ID);
        Dataset<Row> withoutId = events.filter(events.col(EVENT_ID).isNull()).withWatermark(TIMESTAMP, lateness);
        return withId.unionByName(withoutId);
    }

    private static final class Parse implements MapPartitionsFunction<Row, Row> {
        private final long futureSkewMs;

        Parse(long futureSkewMs) {
            this.futureSkewMs = futureSkewMs;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> out = new ArrayList<>();
            while (input.hasNext()) {
                Object raw = input.next().get(0);
                byte[] value = raw instanceof String text ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) raw;
                EventCheck.Verdict v = EventCheck.check(value, System.currentTimeMillis(), futureSkewMs);
                if (v.ok()) {
                    out.add(row(v.event()));
                }
            }
            return out.iterator();
        }
    }

    public static Row row(Event e) {
        return RowFactory.create(e.type().code(), e.userId(), e.productId(), e.query(), Timestamp.from(e.timestamp()),
                e.eventId(), e.orderId(), e.sessionId(), e.quantity(), e.price(), e.recId(),
                java.sql.Date.valueOf(e.timestamp().atZone(ZoneOffset.UTC).toLocalDate()));
    }
}
