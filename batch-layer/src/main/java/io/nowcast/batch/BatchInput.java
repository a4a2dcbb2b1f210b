package io.nowcast.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nowcast.events.EventType;
import io.nowcast.master.MasterDataset;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The batch job's input: purchases within the look-back from the master dataset, which has two roots:
 * the speed layer's events and imported history (read together). The window ends at the as-of date
 * (NOWCAST_BATCH_AS_OF, else the newest {@code event_date} partition: event time, so a replay of old
 * data gives the same answer as it did live) and reaches back {@code lookbackDays} days. Days without
 * a partition are reported, not fatal.
 */
public record BatchInput(List<String> locations, LocalDate from, LocalDate to, List<LocalDate> missingDays) {

    /** Lists the partitions of the roots that exist (through Hadoop's FileSystem, so HDFS and object stores work too). */
    public static BatchInput locate(SparkSession spark, List<String> roots, LocalDate asOf, int lookbackDays) {
        TreeSet<LocalDate> days = new TreeSet<>();
        List<String> present = new ArrayList<>();
        for (String location : roots) {
            try {
                Path root = new Path(location);
                FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (!fs.exists(root)) {
                    continue;
                }
                present.add(location);
                for (FileStatus s : fs.listStatus(root)) {
                    String name = s.getPath().getName();
                    if (s.isDirectory() && name.startsWith(MasterDataset.EVENT_DATE + "=")) {
                        try {
                            days.add(LocalDate.parse(name.substring(MasterDataset.EVENT_DATE.length() + 1)));
                        } catch (java.time.format.DateTimeParseException e) {
                            throw new BatchFailure("the master dataset " + location + " has a partition with a bad date: " + name);
                        }
                    }
                }
            } catch (IOException e) {
                throw new BatchFailure("listing the master dataset " + location + ": " + e.getMessage(), e);
            }
        }
        if (present.isEmpty()) {
            throw new BatchFailure("the master dataset does not exist (" + String.join(", ", roots) + "): run the speed layer "
                    + "(it writes every valid event there) or import history with ./nowcast batch import");
        }
        if (days.isEmpty()) {
            throw new BatchFailure("the master dataset (" + String.join(", ", present) + ") has no event_date partitions: "
                    + "no events have been recorded yet");
        }
        LocalDate to = asOf != null ? asOf : days.last();
        LocalDate from = to.minusDays(lookbackDays - 1L);
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (!days.contains(d)) {
                missing.add(d);
            }
        }
        return new BatchInput(present, from, to, missing);
    }

    /** Where the input was read from, for messages. */
    public String location() {
        return String.join(" and ", locations);
    }

    /** Purchases of a product within the window, from every root, each event once, in the master dataset's schema. */
    public Dataset<Row> purchases(SparkSession spark) {
        return MasterDataset.read(spark, locations, all -> all
                .where(col(MasterDataset.EVENT_DATE).between(lit(java.sql.Date.valueOf(from)), lit(java.sql.Date.valueOf(to))))
                .where(col(MasterDataset.EVENT_TYPE).equalTo(EventType.PURCHASE.code()))
                .where(col(MasterDataset.PRODUCT_ID).isNotNull()));
    }

    /** A line for the run log about days without data, or null when every day has some. */
    public String missingDaysWarning() {
        if (missingDays.isEmpty()) {
            return null;
        }
        long days = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
        String sample = missingDays.size() <= 5 ? missingDays.toString()
                : missingDays.subList(0, 3) + " … " + missingDays.get(missingDays.size() - 1);
        return "no data for " + missingDays.size() + " of the " + days + " days from " + from + " to " + to + ": " + sample;
    }
}
