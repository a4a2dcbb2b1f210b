package io.nowcast.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Env;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CdcConfigTest {
    @Test
    void debeziumGetsPgoutputTheNamedSlotAndPublicationAndDecimalsAsStrings() {
        CdcConfig c = CdcConfig.from(new Env(Map.of("NOWCAST_PG_URL", "jdbc:postgresql://db.local:5433/shop", "NOWCAST_CDC_SLOT", "shop_slot",
                "NOWCAST_CDC_PUBLICATION", "shop_pub", "NOWCAST_DATA_DIR", "/data")));
        Properties p = c.debezium();
        assertEquals("pgoutput", p.getProperty("plugin.name"));
        assertEquals("shop_slot", p.getProperty("slot.name"));
        assertEquals("shop_pub", p.getProperty("publication.name"));
        assertEquals("disabled", p.getProperty("publication.autocreate.mode"));
        assertEquals("string", p.getProperty("decimal.handling.mode"));
        assertEquals("db.local", p.getProperty("database.hostname"));
        assertEquals("5433", p.getProperty("database.port"));
        assertEquals("shop", p.getProperty("database.dbname"));
        assertEquals("public.product_catalog", p.getProperty("table.include.list"));
        assertEquals(Path.of("/data/cdc/offsets.dat").toString(), p.getProperty("offset.storage.file.filename"));
        assertEquals("org.apache.kafka.connect.storage.FileOffsetBackingStore", p.getProperty("offset.storage"));
    }

    @Test
    void slotNamesPostgresWouldRefuseAreRefusedAtStart() {
        Env.ConfigException e = assertThrows(Env.ConfigException.class, () -> CdcConfig.from(new Env(Map.of("NOWCAST_CDC_SLOT", "My-Slot"))));
        assertTrue(e.getMessage().contains("NOWCAST_CDC_SLOT=My-Slot"), e.getMessage());
        assertThrows(Env.ConfigException.class, () -> CdcConfig.from(new Env(Map.of("NOWCAST_CDC_FLUSH_MS", "0"))));
    }

    @Test
    void theAdviceForWalLevelSaysWhatToSet() {
        String advice = CatalogCdc.walLevelAdvice("jdbc:postgresql://h/db", "replica");
        assertTrue(advice.contains("wal_level=replica") && advice.contains("ALTER SYSTEM SET wal_level = logical") && advice.contains("restart"), advice);
    }
}
