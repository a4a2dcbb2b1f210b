package io.nowcast.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A per-user key's JSON, scanned once for where its pieces are: each item's product id and the span of
 * its JSON in the key, and the spans of the key's trailing fields. The API answers with a few of them
 * cut by {@code limit} and {@code exclude}, copied from the key's own text, without parsing it again while
 * it is unchanged (the profile of the read path was mostly JSON tree parsing). {@code raw} is the exact
 * text it came from, so a cached copy is reused only while Redis still holds that very text. It keeps no
 * copy of the items (a streaming scan, not a tree): under ingest the API re-reads hundreds of changed
 * keys a second, and what each one allocates and keeps is what the API's garbage collector copies.
 */
final class RenderedList {
    private static final JsonFactory JSON = new JsonFactory();
    private static final List<String> TRAILING = List.of("generated_at", "stream_time", "batch_version", "rules_version");

    final String raw;
    final long rulesVersion;
    private final String[] ids;
    /** Per item: start and end of its quoted product id, then of its object, in {@code raw}. */
    private final int[] spans;
    private final String trailing;

    RenderedList(String raw) {
        this.raw = raw;
        List<String> idList = new ArrayList<>();
        int[] at = new int[64];
        String[] trailingValues = new String[TRAILING.size()];
        long version = 0;
        try (JsonParser p = JSON.createParser(raw)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("items".equals(field)) {
                    expect(value == JsonToken.START_ARRAY, "items as an array");
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        int itemStart = offset(p, true);
                        int idStart = -1;
                        int idEnd = -1;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("product_id".equals(name) && v == JsonToken.VALUE_STRING) {
                                idStart = offset(p, true);
                                idList.add(p.getText());
                                idEnd = offset(p, false);
                            } else {
                                p.skipChildren();
                            }
                        }
                        expect(idStart >= 0, "a product_id in every item");
                        int i = (idList.size() - 1) * 4;
                        if (i + 4 > at.length) {
                            at = java.util.Arrays.copyOf(at, at.length * 2);
                        }
                        at[i] = idStart;
                        at[i + 1] = idEnd;
                        at[i + 2] = itemStart;
                        at[i + 3] = offset(p, false);
                    }
                    continue;
                }
                int start = offset(p, true);
                p.skipChildren();
                if (value == JsonToken.VALUE_STRING) {
                    p.finishToken(); // strings are read lazily: the end is known once it is read
                }
                int t = TRAILING.indexOf(field);
                if (t >= 0) {
                    trailingValues[t] = raw.substring(start, offset(p, false));
                }
                if ("rules_version".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    version = p.getLongValue();
                }
            }
            expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null, "one whole object");
        } catch (IOException e) {
            throw new IllegalStateException("a recommendation key holds something that is not its JSON: " + e.getMessage(), e);
        }
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < TRAILING.size(); i++) {
            t.append(",\"").append(TRAILING.get(i)).append("\":").append(trailingValues[i] == null ? "null" : trailingValues[i]);
        }
        this.trailing = t.toString();
        this.ids = idList.toArray(String[]::new);
        this.spans = java.util.Arrays.copyOf(at, ids.length * 4);
        this.rulesVersion = version;
    }

    /** Where the current token starts, or where the last one read ended, in {@code raw}. */
    private static int offset(JsonParser p, boolean tokenStart) {
        return (int) (tokenStart ? p.currentTokenLocation() : p.currentLocation()).getCharOffset();
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("a recommendation key holds something that is not its JSON: expected " + what);
        }
    }

    /** The API's answer: the key's layout, for this user, at most {@code limit} items, none of {@code exclude}. */
    String answer(long userId, int limit, Set<String> exclude, boolean knownUser) {
        StringBuilder ids = new StringBuilder(64 + limit * 20);
        StringBuilder body = new StringBuilder(256 + limit * 200);
        int taken = 0;
        for (int i = 0; i < this.ids.length && taken < limit; i++) {
            if (!exclude.isEmpty() && exclude.contains(this.ids[i])) {
                continue;
            }
            if (taken++ > 0) {
                ids.append(',');
                body.append(',');
            }
            ids.append(raw, spans[i * 4], spans[i * 4 + 1]);
            body.append(raw, spans[i * 4 + 2], spans[i * 4 + 3]);
        }
        return "{\"user_id\":" + userId + ",\"recommended_products\":[" + ids + "],\"items\":[" + body + "],\"known_user\":"
                + knownUser + trailing + "}";
    }
}
