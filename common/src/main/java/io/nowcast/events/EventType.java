package io.nowcast.events;

import java.util.Optional;

/** The kinds of user activity the system accepts; anything else goes to the dead-letter topic. */
public enum EventType {
    PAGE_VIEW("page_view"),
    CLICK("click"),
    SEARCH("search"),
    ADD_TO_CART("add_to_cart"),
    PURCHASE("purchase");

    private final String code;

    EventType(String code) {
        this.code = code;
    }

    /** The value of {@code event_type} in the JSON. */
    public String code() {
        return code;
    }

    /** Every event but a search names a product. */
    public boolean needsProduct() {
        return this != SEARCH;
    }

    public static Optional<EventType> fromCode(String code) {
        for (EventType t : values()) {
            if (t.code.equals(code)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
