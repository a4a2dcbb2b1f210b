package io.nowcast.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Env;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchConfigTest {
    @Test
    void defaultsFollowTheDesign() {
        BatchConfig c = BatchConfig.from(new Env(Map.of("NOWCAST_DATA_DIR", "/tmp/nc")));
        assertEquals("/tmp/nc/master/events", c.masterDataset());
        assertEquals("/tmp/nc/master/history", c.historyDataset());
        assertEquals(90, c.lookbackDays());
        assertEquals(2, c.minSupport());
        assertEquals(50, c.topK());
        assertEquals(null, c.asOf());
        assertEquals("0 2 * * *", c.cron());
        assertEquals("local[*]", c.master());
    }

    @Test
    void badValuesFailNamingTheVariable() {
        var e = assertThrows(Env.ConfigException.class, () -> BatchConfig.from(new Env(Map.of("NOWCAST_BATCH_AS_OF", "yesterday"))));
        assertTrue(e.getMessage().contains("NOWCAST_BATCH_AS_OF=yesterday"), e.getMessage());
        e = assertThrows(Env.ConfigException.class, () -> BatchConfig.from(new Env(Map.of("NOWCAST_BATCH_CRASH_AT", "somewhere"))));
        assertTrue(e.getMessage().contains("NOWCAST_BATCH_CRASH_AT"), e.getMessage());
        assertEquals(LocalDate.of(2024, 7, 27), BatchConfig.from(new Env(Map.of("NOWCAST_BATCH_AS_OF", "2024-07-27"))).asOf());
    }

    @Test
    void theNightlyCronFiresAtTwoUtc() {
        var schedule = BatchScheduler.schedule("0 2 * * *");
        assertEquals(ZonedDateTime.of(2024, 7, 28, 2, 0, 0, 0, ZoneOffset.UTC),
                BatchScheduler.next(schedule, ZonedDateTime.of(2024, 7, 27, 2, 0, 0, 0, ZoneOffset.UTC)));
        assertEquals(ZonedDateTime.of(2024, 7, 27, 2, 0, 0, 0, ZoneOffset.UTC),
                BatchScheduler.next(schedule, ZonedDateTime.of(2024, 7, 27, 1, 59, 0, 0, ZoneOffset.UTC)));
        var e = assertThrows(Env.ConfigException.class, () -> BatchScheduler.schedule("every night"));
        assertTrue(e.getMessage().contains("NOWCAST_BATCH_CRON=every night"), e.getMessage());
    }
}
