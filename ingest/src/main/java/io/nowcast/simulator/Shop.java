package io.nowcast.simulator;

import io.nowcast.catalog.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic shop: a catalog in a two-level category tree, users with one to three category
 * affinities, Zipf popularity, and planted co-purchase pairs that serve as ground truth for the batch
 * layer's evaluation. Everything derives from the spec's seed.
 */
public final class Shop {
    /** Top-level categories and their subcategories; product categories read {@code top/sub}. */
    static final Map<String, List<String>> TREE = tree();

    private static final String[] ADJECTIVES = {
        "Swift", "Classic", "Urban", "Alpine", "Nimble", "Sturdy", "Bright", "Quiet", "Bold", "Cosy",
        "Rapid", "Smart", "Fresh", "Trusty", "Sleek", "Rugged", "Gentle", "Prime", "Lucky", "Vivid"};

    private final ShopSpec spec;
    private final List<Product> products;
    private final List<String> categories;
    /** Product indexes per category, most popular first. */
    private final List<int[]> byCategory;
    /** Product indexes over the whole shop, most popular first. */
    private final int[] byPopularity;
    /** For each product index, its planted partner's index or -1. Symmetric. */
    private final int[] partner;
    private final List<int[]> plantedPairs;
    /** For each user (index = user id - 1), the category indexes they favour. */
    private final int[][] affinities;
    private final Zipf globalZipf;
    private final List<Zipf> categoryZipf;

    private Shop(ShopSpec spec) {
        this.spec = spec;
        SplittableRandom random = new SplittableRandom(spec.seed());
        categories = new ArrayList<>();
        TREE.forEach((top, subs) -> subs.forEach(sub -> categories.add(top + "/" + sub)));

        products = new ArrayList<>(spec.products());
        List<List<Integer>> members = new ArrayList<>();
        categories.forEach(c -> members.add(new ArrayList<>()));
        for (int i = 0; i < spec.products(); i++) {
            // Every category gets products before any gets a second, then the rest fall at random.
            int c = i < categories.size() ? i : random.nextInt(categories.size());
            members.get(c).add(i);
            products.add(product(i, categories.get(c), random));
        }
        byCategory = new ArrayList<>();
        categoryZipf = new ArrayList<>();
        for (List<Integer> m : members) {
            shuffle(m, random);
            byCategory.add(m.stream().mapToInt(Integer::intValue).toArray());
            categoryZipf.add(m.isEmpty() ? null : new Zipf(m.size(), 1.0));
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < spec.products(); i++) {
            all.add(i);
        }
        shuffle(all, random);
        byPopularity = all.stream().mapToInt(Integer::intValue).toArray();
        globalZipf = new Zipf(spec.products(), 1.0);

        partner = new int[spec.products()];
        java.util.Arrays.fill(partner, -1);
        plantedPairs = new ArrayList<>();
        // Pairs come from the popular 40 % of the catalog so that they are bought often enough to be found.
        int pool = Math.max(2, (int) (spec.products() * 0.4));
        while (plantedPairs.size() < spec.plantedPairs()) {
            int a = byPopularity[random.nextInt(pool)];
            int b = byPopularity[random.nextInt(pool)];
            if (a == b || partner[a] >= 0 || partner[b] >= 0) {
                continue;
            }
            partner[a] = b;
            partner[b] = a;
            plantedPairs.add(new int[] {Math.min(a, b), Math.max(a, b)});
        }

        affinities = new int[spec.users()][];
        for (int u = 0; u < spec.users(); u++) {
            int k = 1 + random.nextInt(3);
            int[] a = new int[k];
            for (int j = 0; j < k; j++) {
                a[j] = random.nextInt(categories.size());
            }
            affinities[u] = a;
        }
    }

    public static Shop generate(ShopSpec spec) {
        return new Shop(spec);
    }

    private static Product product(int i, String category, SplittableRandom random) {
        String sub = category.substring(category.indexOf('/') + 1);
        String top = category.substring(0, category.indexOf('/'));
        String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + capitalise(sub) + " " + capitalise(top) + " " + (i + 1);
        double base = switch (top) {
            case "electronics" -> 250;
            case "shoes", "sports" -> 90;
            case "clothing", "home" -> 45;
            default -> 20;
        };
        // Whole cents ending in 9, as shops price; dividing cents keeps the JSON short (59.99, not 59.989999).
        long cents = Math.max(99, Math.round(base * (0.4 + random.nextDouble() * 1.6)) * 100 - 1);
        double price = cents / 100.0;
        boolean inStock = random.nextDouble() >= 0.05;
        String id = productId(i);
        return new Product(id, name, category, price,
                "A " + sub + " pick from our " + top + " range.", "https://shop.example/img/" + id + ".jpg", inStock);
    }

    /** The id of the product at index {@code i}: {@code product_00001} for the first. */
    public static String productId(int i) {
        return String.format("product_%05d", i + 1);
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    private static Map<String, List<String>> tree() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("shoes", List.of("running", "trail", "casual", "boots"));
        t.put("clothing", List.of("jackets", "shirts", "trousers", "socks"));
        t.put("electronics", List.of("phones", "headphones", "laptops", "cameras"));
        t.put("home", List.of("kitchen", "lighting", "bedding", "decor"));
        t.put("sports", List.of("cycling", "fitness", "camping", "swimming"));
        t.put("beauty", List.of("skincare", "fragrance", "haircare"));
        t.put("toys", List.of("puzzles", "building", "outdoor"));
        t.put("books", List.of("fiction", "cooking", "travel", "science"));
        return Collections.unmodifiableMap(t);
    }

    public ShopSpec spec() {
        return spec;
    }

    public List<Product> products() {
        return Collections.unmodifiableList(products);
    }

    public Product product(int index) {
        return products.get(index);
    }

    List<String> categories() {
        return categories;
    }

    /** The planted pairs as product ids, the lower id first. */
    public List<String[]> plantedPairs() {
        List<String[]> out = new ArrayList<>();
        for (int[] p : plantedPairs) {
            out.add(new String[] {productId(p[0]), productId(p[1])});
        }
        return out;
    }

    int partnerOf(int productIndex) {
        return partner[productIndex];
    }

    int[] affinities(long userId) {
        return affinities[(int) (userId - 1)];
    }

    /** A product drawn by overall popularity. */
    int popularProduct(SplittableRandom random) {
        return byPopularity[globalZipf.sample(random)];
    }

    /** A product of category {@code c} drawn by its popularity there. */
    int productIn(int c, SplittableRandom random) {
        Zipf z = categoryZipf.get(c);
        return z == null ? popularProduct(random) : byCategory.get(c)[z.sample(random)];
    }
}
