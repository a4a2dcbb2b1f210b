package io.nowcast.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.catalog.ProductJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo loads data/catalog.jsonl when PostgreSQL is absent; it must be the simulator's default shop. */
class BundledCatalogTest {
    @Test
    void bundledCatalogIsTheDefaultShopsCatalog() throws IOException {
        List<String> bundled = Files.readAllLines(Path.of("..", "data", "catalog.jsonl"));
        List<String> generated = Shop.generate(ShopSpec.defaults()).products().stream().map(ProductJson::write).toList();
        assertEquals(generated, bundled,
                "regenerate with: ./nowcast simulate --out file --file /dev/null --count 0 --catalog-file data/catalog.jsonl");
    }
}
