package io.nowcast.rules;

import java.time.Instant;

/**
 * One merchandiser rule as stored: a pin (product to a 1-based position), a blocked product or a
 * blocked category.
 */
public record Rule(Kind kind, String target, Integer position, String note, String createdBy, Instant createdAt) {
    public enum Kind {
        PIN("pin"), BLOCK_PRODUCT("block_product"), BLOCK_CATEGORY("block_category");

        private final String sql;

        Kind(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        public static Kind of(String sql) {
            for (Kind k : values()) {
                if (k.sql.equals(sql)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown rule kind '" + sql + "' (pin, block_product or block_category)");
        }
    }
}
