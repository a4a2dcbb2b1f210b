package io.nowcast.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A per-user key's JSON, parsed once and kept as ready-to-write pieces: each item's product id and its
 * JSON, and the key's trailing fields. The API answers with a few of them cut by {@code limit} and
 * {@code exclude}, without parsing the key again while it is unchanged (the profile of the read path was
 * mostly JSON tree parsing). {@code raw} is the exact text it came from, so a cached copy is reused only
 * while Redis still holds that very text.
 */
final class RenderedList {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> TRAILING = List.of("generated_at", "stream_time", "batch_version", "rules_version");

    final String raw;
    final long rulesVersion;
    private final List<String> ids = new ArrayList<>();
    private final List<String> quotedIds = new ArrayList<>();
    private final List<String> items = new ArrayList<>();
    private final String trailing;

    RenderedList(String raw) {
        this.raw = raw;
        try {
            JsonNode root = MAPPER.readTree(raw);
            for (JsonNode item : root.path("items")) {
                String id = item.path("product_id").asText();
                ids.add(id);
                quotedIds.add(MAPPER.writeValueAsString(id));
                items.add(MAPPER.writeValueAsString(item));
            }
            StringBuilder t = new StringBuilder();
            for (String f : TRAILING) {
                t.append(",\"").append(f).append("\":").append(MAPPER.writeValueAsString(root.get(f)));
            }
            trailing = t.toString();
            rulesVersion = root.path("rules_version").asLong();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recommendation key holds something that is not its JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The API's answer: the key's layout, for this user, at most {@code limit} items, none of {@code exclude}. */
    String answer(long userId, int limit, Set<String> exclude, boolean knownUser) {
        StringBuilder ids = new StringBuilder(64 + limit * 20);
        StringBuilder body = new StringBuilder(256 + limit * 200);
        int taken = 0;
        for (int i = 0; i < items.size() && taken < limit; i++) {
            if (!exclude.isEmpty() && exclude.contains(this.ids.get(i))) {
                continue;
            }
            if (taken++ > 0) {
                ids.append(',');
                body.append(',');
            }
            ids.append(quotedIds.get(i));
            body.append(items.get(i));
        }
        return "{\"user_id\":" + userId + ",\"recommended_products\":[" + ids + "],\"items\":[" + body + "],\"known_user\":"
                + knownUser + trailing + "}";
    }
}
