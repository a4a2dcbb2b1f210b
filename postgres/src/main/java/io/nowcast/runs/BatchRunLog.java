package io.nowcast.runs;

import io.nowcast.db.Database;
import io.nowcast.db.Database.DatabaseException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The batch run log in PostgreSQL ({@code batch_runs}), and the lock that keeps two runs from
 * overlapping: a session-level advisory lock, which PostgreSQL releases by itself when the holder's
 * connection dies, so a killed run never leaves the lock behind. Writer: the batch job. Readers: the
 * dashboard, {@code ./nowcast batch runs}.
 */
public final class BatchRunLog {
    /** The advisory lock key of the batch run ("NOWCASTB" read as a number). */
    static final long LOCK_KEY = 0x4E4F57434153_5442L;

    private final Database db;

    public BatchRunLog(Database db) {
        this.db = db;
    }

    /** Held while a run runs; closing it lets the next run in. */
    public static final class Lease implements AutoCloseable {
        private final Connection connection;

        private Lease(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void close() {
            try (connection) {
                try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    s.setLong(1, LOCK_KEY);
                    s.execute();
                }
            } catch (SQLException e) {
                // Closing the connection releases the lock anyway.
                org.slf4j.LoggerFactory.getLogger(BatchRunLog.class).warn("releasing the batch lock: {}", e.getMessage());
            }
        }
    }

    /** The run lock, or empty when another run holds it. */
    public Optional<Lease> tryLock() {
        Connection c = db.connect();
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, LOCK_KEY);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getBoolean(1)) {
                    return Optional.of(new Lease(c));
                }
            }
            c.close();
            return Optional.empty();
        } catch (SQLException e) {
            closeQuietly(c);
            throw new DatabaseException("taking the batch run lock: " + e.getMessage(), e);
        }
    }

    /**
     * Records a new run as running. Call it holding the lock: runs still marked running then belong to
     * processes that died, so they are marked failed first.
     */
    public long start(String trigger, String host, LocalDate asOf, int lookbackDays) {
        try (Connection c = db.connect()) {
            long id;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO batch_runs (status, trigger, host, as_of, lookback_days) VALUES ('running', ?, ?, ?, ?) RETURNING run_id")) {
                s.setString(1, trigger);
                s.setString(2, host);
                s.setDate(3, asOf == null ? null : Date.valueOf(asOf));
                s.setInt(4, lookbackDays);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE batch_runs SET status = 'failed', ended_at = now(), error = ? WHERE status = 'running' AND run_id <> ?")) {
                s.setString(1, "the run's process ended without finishing (killed or crashed); found by run " + id);
                s.setLong(2, id);
                s.executeUpdate();
            }
            return id;
        } catch (SQLException e) {
            throw new DatabaseException("recording the start of a batch run: " + e.getMessage(), e);
        }
    }

    /** Updates the as-of date once the input is known. */
    public void asOf(long runId, LocalDate asOf) {
        update(runId, "UPDATE batch_runs SET as_of = ? WHERE run_id = ?", s -> s.setDate(1, Date.valueOf(asOf)));
    }

    public void succeed(long runId, BatchRun.Stats stats, String version, String warnings) {
        finish(runId, BatchRun.Status.SUCCEEDED, stats, version, warnings, null);
    }

    public void fail(long runId, BatchRun.Stats stats, String warnings, String error) {
        finish(runId, BatchRun.Status.FAILED, stats, null, warnings, error);
    }

    private void finish(long runId, BatchRun.Status status, BatchRun.Stats st, String version, String warnings, String error) {
        update(runId, """
                UPDATE batch_runs SET status = ?, ended_at = now(), purchases = ?, unknown_purchases = ?, baskets = ?,
                  products = ?, pairs = ?, users = ?, version = ?, warnings = ?, error = ? WHERE run_id = ?""", s -> {
            s.setString(1, status.text());
            setLong(s, 2, st.purchases());
            setLong(s, 3, st.unknownPurchases());
            setLong(s, 4, st.baskets());
            setLong(s, 5, st.products());
            setLong(s, 6, st.pairs());
            setLong(s, 7, st.users());
            s.setString(8, version);
            s.setString(9, warnings);
            s.setString(10, error);
        });
    }

    /** The newest runs first. */
    public List<BatchRun> recent(int limit) {
        return query("SELECT * FROM batch_runs ORDER BY run_id DESC LIMIT ?", s -> s.setInt(1, limit));
    }

    public Optional<BatchRun> get(long runId) {
        return query("SELECT * FROM batch_runs WHERE run_id = ?", s -> s.setLong(1, runId)).stream().findFirst();
    }

    /** The run marked running, if any (it may belong to a process that died; {@link #start} clears those). */
    public Optional<BatchRun> running() {
        return query("SELECT * FROM batch_runs WHERE status = 'running' ORDER BY run_id DESC LIMIT 1", s -> {}).stream().findFirst();
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private void update(long runId, String sql, Binder binder) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            s.setLong(s.getParameterMetaData().getParameterCount(), runId);
            if (s.executeUpdate() != 1) {
                throw new DatabaseException("batch run " + runId + " is not in the run log", null);
            }
        } catch (SQLException e) {
            throw new DatabaseException("updating batch run " + runId + ": " + e.getMessage(), e);
        }
    }

    private List<BatchRun> query(String sql, Binder binder) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            List<BatchRun> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(row(r));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("reading the batch run log: " + e.getMessage(), e);
        }
    }

    private static BatchRun row(ResultSet r) throws SQLException {
        Timestamp ended = r.getTimestamp("ended_at");
        Date asOf = r.getDate("as_of");
        return new BatchRun(
                r.getLong("run_id"),
                r.getTimestamp("started_at").toInstant(),
                ended == null ? null : ended.toInstant(),
                BatchRun.Status.of(r.getString("status")),
                r.getString("trigger"),
                r.getString("host"),
                asOf == null ? null : asOf.toLocalDate(),
                (Integer) r.getObject("lookback_days"),
                new BatchRun.Stats(longOrNull(r, "purchases"), longOrNull(r, "unknown_purchases"), longOrNull(r, "baskets"),
                        longOrNull(r, "products"), longOrNull(r, "pairs"), longOrNull(r, "users")),
                r.getString("version"),
                r.getString("warnings"),
                r.getString("error"));
    }

    private static Long longOrNull(ResultSet r, String column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Already failing; the first error is the one reported.
        }
    }
}
