package io.nowcast.serving;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads and checks request parameters; anything wrong is a 400 that says which parameter and why. */
final class Params {
    /** Longest product id, category or window text a request may name. */
    static final int MAX_ID = 200;
    static final int MAX_EXCLUDE = 100;

    private Params() {}

    static long userId(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequestResponse("userId must be a non-negative integer, got '" + clip(s) + "'");
        }
        return Long.parseLong(s);
    }

    /** An optional integer in [1, max]; {@code fallback} when absent. */
    static int limit(Context ctx, int fallback, int max) {
        return limit(ctx.queryParam("limit"), fallback, max);
    }

    static int limit(String s, int fallback, int max) {
        if (s == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadRequestResponse("limit must be an integer from 1 to " + max + ", got '" + clip(s) + "'");
    }

    /** A product id, category or similar name: 1 to 200 characters, no control characters. */
    static String id(String what, String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_ID || s.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequestResponse(what + " must be 1 to " + MAX_ID + " characters without control characters, got '" + clip(s) + "'");
        }
        return s;
    }

    /** {@code exclude=p1,p2}: products to leave out, at most 100. */
    static Set<String> exclude(String s) {
        Set<String> out = new LinkedHashSet<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        String[] parts = s.split(",", -1);
        if (parts.length > MAX_EXCLUDE) {
            throw new BadRequestResponse("exclude takes at most " + MAX_EXCLUDE + " product ids, got " + parts.length);
        }
        for (String p : parts) {
            out.add(id("each product id in exclude", p.trim()));
        }
        return out;
    }

    /** A value cut short for an error message, so a huge parameter cannot make a huge answer. */
    static String clip(String s) {
        if (s == null) {
            return "";
        }
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        StringBuilder b = new StringBuilder();
        t.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
