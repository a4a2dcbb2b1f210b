package io.nowcast.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnsupportedMediaTypeResponse;
import io.nowcast.events.Event;
import io.nowcast.events.EventCheck;
import io.nowcast.events.EventJson;
import io.nowcast.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code POST /api/v1/events}: one event (a JSON object) or a batch (a JSON array), checked with the
 * speed layer's own rules (schema, and no more than the allowed skew ahead of the clock), then produced
 * to {@code user_activity} keyed by user id. All or nothing: one invalid event rejects the request with
 * a 400 naming each bad event's index, field and reason; 202 once Kafka has acknowledged every event.
 */
final class EventsApi {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final long FUTURE_SKEW_MS = 300_000;
    private static final int MAX_ERRORS_LISTED = 20;

    private final Producer<String, String> producer;
    private final int maxEvents;
    private final Metrics metrics;

    EventsApi(Producer<String, String> producer, int maxEvents, Metrics metrics) {
        this.producer = producer;
        this.maxEvents = maxEvents;
        this.metrics = metrics;
    }

    void post(Context ctx) throws Exception {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new UnsupportedMediaTypeResponse("events must be sent as application/json, got " + (type == null ? "no content type" : "'" + Params.clip(type) + "'"));
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw new BadRequestResponse("the body is empty; send one event (a JSON object) or a JSON array of them");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse("the body is not valid JSON: " + Params.clip(e.getOriginalMessage()));
        }
        List<JsonNode> elements = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(elements::add);
            if (elements.isEmpty()) {
                throw new BadRequestResponse("the batch is empty");
            }
            if (elements.size() > maxEvents) {
                throw new BadRequestResponse("a batch holds at most " + maxEvents + " events, got " + elements.size());
            }
        } else {
            elements.add(root);
        }

        long now = System.currentTimeMillis();
        List<Event> events = new ArrayList<>();
        ArrayNode errors = MAPPER.createArrayNode();
        int invalid = 0;
        for (int i = 0; i < elements.size(); i++) {
            EventJson.Parsed parsed = EventJson.parse(elements.get(i));
            EventCheck.Verdict v = EventCheck.check(parsed, now, FUTURE_SKEW_MS);
            if (v.ok()) {
                events.add(v.event());
                continue;
            }
            invalid++;
            metrics.eventRejected(v.reason().code());
            if (errors.size() < MAX_ERRORS_LISTED) {
                String field = parsed.ok() ? "timestamp" : parsed.field();
                ObjectNode e = errors.addObject().put("index", i).put("reason", v.reason().code()).put("message", v.detail());
                if (field != null) {
                    e.put("field", field);
                }
            }
        }
        if (invalid > 0) {
            ObjectNode answer = MAPPER.createObjectNode();
            JsonNode first = errors.get(0);
            answer.put("status", 400);
            answer.put("error", invalid + " of " + elements.size() + " events are invalid, nothing was accepted; first: event "
                    + first.get("index").asInt() + ": " + first.path("field").asText("body") + ": " + first.get("message").asText());
            answer.set("errors", errors);
            throw new ApiException(400, answer);
        }

        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Event e : events) {
            sent.add(producer.send(new ProducerRecord<>(Topics.USER_ACTIVITY, e.kafkaKey(), EventJson.write(e))));
        }
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(15, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            ObjectNode answer = MAPPER.createObjectNode().put("status", 503)
                    .put("error", "Kafka did not acknowledge the events (" + Params.clip(String.valueOf(e.getCause() == null ? e : e.getCause())) + "); send them again");
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.getCode(), answer);
        }
        metrics.eventsAccepted(events.size());
        ctx.status(HttpStatus.ACCEPTED).contentType("application/json")
                .result(MAPPER.writeValueAsString(MAPPER.createObjectNode().put("accepted", events.size())));
    }
}
