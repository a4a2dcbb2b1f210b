package io.nowcast.copurchase;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.catalog.ProductJson;
import io.nowcast.events.EventType;
import io.nowcast.master.MasterDataset;
import io.nowcast.spark.Spark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Measures how well co-purchase finds the simulator's planted pairs, with LLR and with raw
 * co-occurrence counts, on the same baskets and the same minimum support. For every product that
 * has a planted partner it takes the top 10 neighbours: recall@10 is the share of those products
 * whose partner is listed, precision@10 the share of listed neighbours that are planted partners,
 * hit@1 the share whose partner comes first. Used by bench/batch-quality.
 */
public final class PlantedPairEvaluation {
    private PlantedPairEvaluation() {}

    public record Quality(double precision, double recall, double hitAt1) {}

    public static Map<Scoring, Quality> evaluate(SparkSession spark, String masterDataset, List<String> catalog,
                                                 Map<String, String> partners, int minSupport) {
        ProductIndex index = new ProductIndex(catalog);
        Dataset<Row> purchases = Baskets.withItems(MasterDataset.read(spark, List.of(masterDataset),
                        all -> all.where(col(MasterDataset.EVENT_TYPE).equalTo(EventType.PURCHASE.code()))), index.asDataset(spark))
                .where(col(Baskets.ITEM).geq(0));
        Dataset<Row> byUser = Baskets.byUser(Baskets.lines(purchases), 100).cache();
        CoPurchase.Counts counts = CoPurchase.count(byUser, index.size(), minSupport);
        Map<Scoring, Quality> out = new HashMap<>();
        for (Scoring s : Scoring.values()) {
            NeighbourTable table = CoPurchase.top(index, counts, s, 10);
            long listed = 0;
            long hits = 0;
            long first = 0;
            for (Map.Entry<String, String> p : partners.entrySet()) {
                int i = index.indexOf(p.getKey());
                int partner = index.indexOf(p.getValue());
                int[] nbrs = i < 0 ? new int[0] : table.neighboursOf(i);
                listed += nbrs.length;
                for (int r = 0; r < nbrs.length; r++) {
                    if (nbrs[r] == partner) {
                        hits++;
                        first += r == 0 ? 1 : 0;
                    }
                }
            }
            out.put(s, new Quality(listed == 0 ? 0 : (double) hits / listed, (double) hits / partners.size(),
                    (double) first / partners.size()));
        }
        return out;
    }

    /** Args: master dataset, catalog JSON lines, planted pairs JSON lines ({"a":..,"b":..}), minimum support. */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: PlantedPairEvaluation <master dataset> <catalog.jsonl> <truth.jsonl> <min support>");
            System.exit(2);
        }
        List<String> catalog = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            ProductJson.Parsed p = ProductJson.parse(line);
            if (p.ok()) {
                catalog.add(p.product().productId());
            }
        }
        Map<String, String> partners = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            JsonNode pair = json.readTree(line);
            partners.put(pair.get("a").asText(), pair.get("b").asText());
            partners.put(pair.get("b").asText(), pair.get("a").asText());
        }
        SparkSession spark = Spark.session("nowcast-batch-quality", "local[*]", 8);
        try {
            Map<Scoring, Quality> q = evaluate(spark, args[0], catalog, partners, Integer.parseInt(args[3]));
            Quality llr = q.get(Scoring.LLR);
            Quality raw = q.get(Scoring.COUNT);
            System.out.printf("llr_precision_at_10=%.4f llr_recall_at_10=%.4f raw_precision_at_10=%.4f raw_recall_at_10=%.4f "
                            + "llr_hit_at_1=%.4f raw_hit_at_1=%.4f planted_products=%d%n",
                    llr.precision(), llr.recall(), raw.precision(), raw.recall(), llr.hitAt1(), raw.hitAt1(), partners.size());
        } finally {
            spark.stop();
        }
    }
}
