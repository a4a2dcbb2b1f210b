package io.nowcast.simulator;

import io.nowcast.events.Event;
import io.nowcast.events.EventJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./nowcast history}: writes a simulated shop's purchase history as JSON lines, for import into the master dataset. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Writes a seeded shop's purchase history (purchase events only, in baskets) as JSON lines.",
                "Import it with ./nowcast batch import; the planted pairs (--truth) are what the batch layer should find."})
public final class HistoryCommand implements Callable<Integer> {
    @Option(names = "--purchases", required = true, description = "Purchase events to write (whole orders, so slightly more).")
    long purchases;

    @Option(names = "--file", required = true, description = "Where the events go, as JSON lines.")
    Path file;

    @Option(names = "--end", defaultValue = "2024-07-28T00:00:00Z", description = "End of the history, ISO-8601 (default ${DEFAULT-VALUE}).")
    Instant end;

    @Option(names = "--days", defaultValue = "90", description = "Days of history before --end (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--without-order-id", defaultValue = "0.1", description = "Share of orders without an order_id (default ${DEFAULT-VALUE}).")
    double withoutOrderId;

    @Option(names = "--partner-rate", defaultValue = "0.75", description = "Chance that a planted partner joins its product's basket (default ${DEFAULT-VALUE}, as in the live shop).")
    double partnerRate;

    @Option(names = "--basket-growth", defaultValue = "0.45", description = "After each product, the chance of one more (default ${DEFAULT-VALUE}).")
    double basketGrowth;

    @Mixin
    ShopOptions shopOptions;

    @Override
    public Integer call() throws IOException {
        if (days < 1 || purchases < 1) {
            throw new IllegalArgumentException("--days and --purchases must be positive");
        }
        Shop shop = shopOptions.shop();
        shopOptions.writeSideFiles(shop);
        PurchaseHistory history = new PurchaseHistory(shop, end.minus(Duration.ofDays(days)), end, withoutOrderId, partnerRate, basketGrowth);
        long written = 0;
        long orders = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            while (written < purchases) {
                for (Event e : history.nextOrder()) {
                    w.write(EventJson.write(e));
                    w.write('\n');
                    written++;
                }
                orders++;
            }
        }
        System.out.println("history: purchases=" + written + " orders=" + orders + " file=" + file);
        return 0;
    }
}
