package io.nowcast.simulator;

import io.nowcast.catalog.ProductJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that pick a simulated shop, and its side files, shared by {@code simulate} and {@code history}. */
public final class ShopOptions {
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shop and of the event sequence (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--products", defaultValue = "1000", description = "Catalog size (default ${DEFAULT-VALUE}).")
    int products;

    @Option(names = "--users", defaultValue = "10000", description = "Number of users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--catalog-file", description = "Also write the shop's catalog here, as JSON lines.")
    Path catalogFile;

    @Option(names = "--truth", description = "Write the planted co-purchase pairs here, as JSON lines {\"a\":..,\"b\":..}.")
    Path truthFile;

    Shop shop() {
        return Shop.generate(ShopSpec.of(seed, products, users));
    }

    /** Writes the catalog and the planted pairs where asked. */
    void writeSideFiles(Shop shop) throws IOException {
        if (catalogFile != null) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(catalogFile))) {
                shop.products().forEach(p -> w.println(ProductJson.write(p)));
            }
        }
        if (truthFile != null) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(truthFile))) {
                shop.plantedPairs().forEach(p -> w.println("{\"a\":\"" + p[0] + "\",\"b\":\"" + p[1] + "\"}"));
            }
        }
    }
}
