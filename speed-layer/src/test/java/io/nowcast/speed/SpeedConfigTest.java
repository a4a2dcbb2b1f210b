package io.nowcast.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Env;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpeedConfigTest {
    @Test
    void defaultsRunRealTimeWithTaskSlotsForTheOtherQueries() {
        SpeedConfig c = SpeedConfig.from(new Env(Map.of("NOWCAST_DATA_DIR", "/tmp/nc")));
        assertEquals(SpeedConfig.REALTIME, c.trigger());
        assertEquals("local[4]", c.master(), "two activity partitions plus the catalog and master queries");
        assertEquals(900_000, c.latenessMs());
        assertEquals(300_000, c.interestBucketMs());
        assertEquals(Path.of("/tmp/nc/checkpoints/speed-layer/activity"), c.checkpoint("activity"));
        assertEquals("/tmp/nc/master/events", c.masterDataset());
        assertEquals(120, c.checkpointSeconds());
        assertEquals(5, c.trendingFlushMillis());
        assertEquals(50, c.flushMillis());
    }

    @Test
    void microBatchesUseEveryCoreAndTheMasterDatasetCanBeTurnedOff() {
        SpeedConfig c = SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_TRIGGER", "microbatch", "NOWCAST_MASTER_DATASET", "off")));
        assertEquals("local[*]", c.master());
        assertNull(c.masterDataset());
    }

    @Test
    void eitherHalfCanRunAlone() {
        SpeedConfig all = SpeedConfig.from(new Env(Map.of()));
        assertTrue(all.runsFresh() && all.runsArchive());
        SpeedConfig fresh = SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_QUERIES", "fresh")));
        assertTrue(fresh.runsFresh());
        assertFalse(fresh.runsArchive());
        SpeedConfig archive = SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_QUERIES", "archive")));
        assertFalse(archive.runsFresh());
        assertTrue(archive.runsArchive());
        assertEquals("local[*]", archive.master(), "the master dataset alone runs micro-batches only");
        SpeedConfig off = SpeedConfig.from(new Env(Map.of("NOWCAST_MASTER_DATASET", "off")));
        assertFalse(off.runsArchive());
    }

    @Test
    void theJobRunsTheRefresherUnlessAnotherProcessDoes() {
        assertTrue(SpeedConfig.from(new Env(Map.of())).runsRefresher());
        assertFalse(SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_REFRESHER", "off"))).runsRefresher());
        assertFalse(SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_QUERIES", "archive"))).runsRefresher(), "the archiver never does");
        Env.ConfigException e = assertThrows(Env.ConfigException.class,
                () -> SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_REFRESHER", "maybe"))));
        assertTrue(e.getMessage().contains("NOWCAST_SPEED_REFRESHER=maybe"), e.getMessage());
    }

    /** The setting is refused with an error that names the variable. */
    private static void assertRejectedNaming(String variable, String value) {
        Env.ConfigException e = assertThrows(Env.ConfigException.class,
                () -> SpeedConfig.from(new Env(Map.of(variable, value))));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    @Test
    void theRefresherDoesNotRestBetweenRoundsUnlessToldTo() {
        assertEquals(0, SpeedConfig.from(new Env(Map.of())).refresherRestPercent());
        assertEquals(100, SpeedConfig.from(new Env(Map.of("NOWCAST_REFRESHER_REST_PERCENT", "100"))).refresherRestPercent());
        assertRejectedNaming("NOWCAST_REFRESHER_REST_PERCENT", "-1");
    }

    @Test
    void theRefresherYieldsWhileIngestIsTwoSecondsBehindUnlessToldOtherwise() {
        assertEquals(2_000, SpeedConfig.from(new Env(Map.of())).refresherYieldMs());
        assertEquals(0, SpeedConfig.from(new Env(Map.of("NOWCAST_REFRESHER_YIELD_MS", "0"))).refresherYieldMs(), "0: never");
        assertRejectedNaming("NOWCAST_REFRESHER_YIELD_MS", "-1");
    }

    @Test
    void flushesGrowWithTheLoadUpToTenThousandRecordsUnlessToldOtherwise() {
        assertEquals(10_000, SpeedConfig.from(new Env(Map.of())).flushRecords());
        assertEquals(2_000, SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_FLUSH_RECORDS", "2000"))).flushRecords());
        assertRejectedNaming("NOWCAST_SPEED_FLUSH_RECORDS", "0");
    }

    @Test
    void anArchiveWithoutAMasterDatasetOrAnUnknownHalfIsAConfigurationError() {
        Env.ConfigException e = assertThrows(Env.ConfigException.class,
                () -> SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_QUERIES", "archive", "NOWCAST_MASTER_DATASET", "off"))));
        assertTrue(e.getMessage().contains("NOWCAST_MASTER_DATASET=off"), e.getMessage());
        e = assertThrows(Env.ConfigException.class, () -> SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_QUERIES", "some"))));
        assertTrue(e.getMessage().contains("NOWCAST_SPEED_QUERIES=some"), e.getMessage());
    }

    @Test
    void anUnknownTriggerIsAConfigurationError() {
        Env.ConfigException e = assertThrows(Env.ConfigException.class,
                () -> SpeedConfig.from(new Env(Map.of("NOWCAST_SPEED_TRIGGER", "sometimes"))));
        assertTrue(e.getMessage().contains("NOWCAST_SPEED_TRIGGER=sometimes"), e.getMessage());
    }
}
