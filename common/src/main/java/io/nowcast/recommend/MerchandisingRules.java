package io.nowcast.recommend;

import java.util.Map;
import java.util.Set;

/**
 * The merchandiser rules in force, as the merge applies them: products pinned to a position (1 = first),
 * and blocked products and categories. {@code version} changes with every edit, so a merged list says
 * which rule set made it.
 */
public record MerchandisingRules(long version, Map<String, Integer> pins, Set<String> blockedProducts, Set<String> blockedCategories) {
    public static final MerchandisingRules NONE = new MerchandisingRules(0, Map.of(), Set.of(), Set.of());

    public MerchandisingRules {
        pins = Map.copyOf(pins);
        blockedProducts = Set.copyOf(blockedProducts);
        blockedCategories = Set.copyOf(blockedCategories);
        pins.forEach((p, at) -> {
            if (at < 1) {
                throw new IllegalArgumentException("a pin's position starts at 1; " + p + " has " + at);
            }
        });
    }
}
