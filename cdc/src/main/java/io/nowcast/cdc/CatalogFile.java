package io.nowcast.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.nowcast.catalog.Product;
import io.nowcast.catalog.ProductJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A catalog file: JSON lines in the product JSON (DESIGN.md; {@code "deleted":true} deletes), or CSV
 * with a header naming the same fields, as a shop's export would. Every row is checked as CDC checks it
 * ({@link ProductJson}); a bad row is kept aside with its line and reason, and the rest load.
 */
public final class CatalogFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CSV_FIELDS = Set.of("product_id", "name", "category", "price", "description", "image_url", "in_stock", "deleted");

    private CatalogFile() {}

    public enum Format { JSONL, CSV;
        /** By the file's extension: {@code .csv} is CSV, anything else JSON lines. */
        public static Format of(Path file) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : JSONL;
        }
    }

    /** One rejected row: its line in the file (1-based; CSV counts the header as line 1) and why. */
    public record Rejected(long line, String reason) {}

    /** A read file: the upserts and deletes in file order, and the rejected rows. */
    public record Contents(List<Product> products, List<String> deletes, List<Rejected> rejected) {}

    public static Contents read(Path file, Format format) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return format == Format.CSV ? csv(in) : jsonLines(in);
        }
    }

    static Contents jsonLines(BufferedReader in) throws IOException {
        Contents c = new Contents(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        String line;
        long n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            add(c, n, ProductJson.parse(line));
        }
        return c;
    }

    static Contents csv(Reader in) throws IOException {
        Contents c = new Contents(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.TRIM_SPACES);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class).with(schema).readValues(in)) {
            while (rows.hasNextValue()) {
                long line;
                Map<String, String> row;
                try {
                    row = rows.nextValue();
                    line = rows.getParser().currentTokenLocation().getLineNr();
                } catch (RuntimeException e) {
                    c.rejected().add(new Rejected(rows.getCurrentLocation().getLineNr(), "not valid CSV (" + e.getMessage() + ")"));
                    continue;
                }
                if (!CSV_FIELDS.containsAll(row.keySet())) {
                    throw new IOException("the CSV header has unknown columns " + row.keySet().stream().filter(k -> !CSV_FIELDS.contains(k)).toList()
                            + "; expected some of " + CSV_FIELDS);
                }
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                String problem = null;
                for (Map.Entry<String, String> e : row.entrySet()) {
                    String v = e.getValue();
                    if (v == null || v.isEmpty()) {
                        continue;
                    }
                    switch (e.getKey()) {
                        case "price" -> {
                            try {
                                o.put("price", new BigDecimal(v));
                            } catch (NumberFormatException ex) {
                                problem = "price must be a number, got '" + v + "'";
                            }
                        }
                        case "in_stock", "deleted" -> {
                            Boolean b = bool(v);
                            if (b == null) {
                                problem = e.getKey() + " must be true or false, got '" + v + "'";
                            } else {
                                o.put(e.getKey(), b);
                            }
                        }
                        default -> o.put(e.getKey(), v);
                    }
                }
                if (problem != null) {
                    c.rejected().add(new Rejected(line, o.path("product_id").asText("?") + ": " + problem));
                } else {
                    add(c, line, ProductJson.parse((JsonNode) o));
                }
            }
        }
        return c;
    }

    private static Boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "y" -> Boolean.TRUE;
            case "false", "0", "no", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static void add(Contents c, long line, ProductJson.Parsed p) {
        if (!p.ok()) {
            c.rejected().add(new Rejected(line, p.error()));
        } else if (p.product() != null) {
            c.products().add(p.product());
        } else {
            c.deletes().add(p.deletedId());
        }
    }
}
