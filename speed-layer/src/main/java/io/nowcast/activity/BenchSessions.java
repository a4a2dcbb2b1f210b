package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Kind;
import io.nowcast.activity.ActivityApplier.Record;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The benchmarks' shop traffic ({@link ApplyBenchmark}, {@link RefreshBenchmark}): 1,000 open sessions
 * among 10,000 users, each record from a random open session, 70 % page views, 15 % clicks, 7 % searches,
 * 6 % cart additions and 2 % purchases, of one partition in offset order.
 */
final class BenchSessions {
    /** Picks the product of a record of this user's. */
    interface Products {
        String of(long user, Random rnd);
    }

    private final long[] users = new long[1000];
    private final Random rnd;
    private final int endOneIn;
    private long offset;

    /** @param endOneIn a record's session ends after it one time in this many, and another user's starts */
    BenchSessions(Random rnd, int endOneIn) {
        this.rnd = rnd;
        this.endOneIn = endOneIn;
        for (int i = 0; i < users.length; i++) {
            users[i] = 1 + rnd.nextInt(10_000);
        }
    }

    /** The next {@code count} records, the first at {@code startMs} and each {@code stepMs} after the one before. */
    List<Record> next(int count, Products products, long startMs, long stepMs) {
        List<Record> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int s = rnd.nextInt(users.length);
            if (rnd.nextInt(endOneIn) == 0) {
                users[s] = 1 + rnd.nextInt(10_000);
            }
            int r = rnd.nextInt(100);
            Kind kind = r < 70 ? Kind.PAGE_VIEW : r < 85 ? Kind.CLICK : r < 92 ? Kind.SEARCH : r < 98 ? Kind.ADD_TO_CART : Kind.PURCHASE;
            records.add(new Record(offset++, kind, users[s], products.of(users[s], rnd), startMs + i * stepMs));
        }
        return records;
    }

    /** The users of the open sessions, each once. */
    List<Long> openUsers() {
        return new ArrayList<>(Arrays.stream(users).boxed().collect(Collectors.toCollection(LinkedHashSet::new)));
    }
}
