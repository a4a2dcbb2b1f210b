package io.nowcast.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.nowcast.recommend.MerchandisingRules;
import io.nowcast.rules.Rule;
import io.nowcast.rules.RuleChanges;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Merchandiser rules over HTTP: {@code GET /api/v1/rules} lists them; {@code PUT} and {@code DELETE
 * /api/v1/rules/{kind}/{target}} change one, with {@code Authorization: Bearer $NOWCAST_ADMIN_TOKEN}.
 * Kinds: {@code pin} (body {@code {"position":1}}), {@code block_product}, {@code block_category}.
 */
final class RulesApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RuleChanges rules;
    private final String adminToken;
    private final Runnable changed;

    /** @param changed runs after every rule change made here, before the answer (drops cached rule versions) */
    RulesApi(RuleChanges rules, String adminToken, Runnable changed) {
        this.rules = rules;
        this.adminToken = adminToken;
        this.changed = changed;
    }

    void list(Context ctx) throws Exception {
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode list = out.putArray("rules");
        for (Rule r : rules.list()) {
            list.addObject().put("kind", r.kind().sql()).put("target", r.target()).put("position", r.position())
                    .put("note", r.note()).put("created_by", r.createdBy()).put("created_at", r.createdAt().toString());
        }
        ctx.contentType("application/json").result(MAPPER.writeValueAsString(out));
    }

    void put(Context ctx) throws Exception {
        authorize(ctx);
        Rule.Kind kind = kind(ctx);
        String target = Params.id("target", ctx.pathParam("target"));
        Integer position = null;
        String note = null;
        byte[] body = ctx.bodyAsBytes();
        if (body.length > 0) {
            JsonNode root;
            try {
                root = MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new BadRequestResponse("the body is not valid JSON: " + Params.clip(e.getOriginalMessage()));
            }
            if (root == null || !root.isObject()) {
                throw new BadRequestResponse("the body must be a JSON object like {\"position\":1,\"note\":\"...\"}");
            }
            JsonNode p = root.get("position");
            if (p != null && !p.isNull()) {
                if (!p.isIntegralNumber() || !p.canConvertToInt() || p.intValue() < 1 || p.intValue() > 1000) {
                    throw new BadRequestResponse("position must be an integer from 1 to 1000, got " + Params.clip(p.toString()));
                }
                position = p.intValue();
            }
            JsonNode n = root.get("note");
            if (n != null && !n.isNull()) {
                if (!n.isTextual() || n.textValue().length() > 500) {
                    throw new BadRequestResponse("note must be a string of at most 500 characters");
                }
                note = n.textValue();
            }
        }
        MerchandisingRules now;
        try {
            now = rules.put(kind, target, position, note, "api");
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        changed.run();
        ctx.contentType("application/json").result(MAPPER.writeValueAsString(MAPPER.createObjectNode().put("version", now.version())));
    }

    void delete(Context ctx) throws Exception {
        authorize(ctx);
        Rule.Kind kind = kind(ctx);
        String target = Params.id("target", ctx.pathParam("target"));
        Optional<MerchandisingRules> now = rules.remove(kind, target);
        changed.run();
        if (now.isEmpty()) {
            throw new NotFoundResponse("no " + kind.sql() + " rule for '" + Params.clip(target) + "'");
        }
        ctx.contentType("application/json").result(MAPPER.writeValueAsString(MAPPER.createObjectNode().put("version", now.get().version())));
    }

    private static Rule.Kind kind(Context ctx) {
        try {
            return Rule.Kind.of(ctx.pathParam("kind"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("kind must be pin, block_product or block_category, got '" + Params.clip(ctx.pathParam("kind")) + "'");
        }
    }

    private void authorize(Context ctx) {
        if (adminToken == null) {
            throw new ForbiddenResponse("rule changes over HTTP are off; set NOWCAST_ADMIN_TOKEN to turn them on");
        }
        String h = ctx.header("Authorization");
        String expected = "Bearer " + adminToken;
        if (h == null || !MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedResponse("rule changes need the header Authorization: Bearer <NOWCAST_ADMIN_TOKEN>");
        }
    }
}
