package io.nowcast.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.HttpResponseException;
import io.nowcast.db.Database;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The API's answer to a failure, {@code {"status":503,"error":"..."}}, in one place for both ways a
 * request is answered: Javalin's exception handlers and {@link RecommendationsHandler}. Failures of the
 * servers behind the API are 503s (logged as warnings); anything unexpected is a 500 with the stack in
 * the log, never in the answer.
 */
record ErrorAnswer(int status, String json) {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static ErrorAnswer of(Throwable failure, String method, String path) {
        Throwable t = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (t instanceof ApiException a) {
            return new ErrorAnswer(a.status, a.body.toString());
        }
        if (t instanceof HttpResponseException h) {
            return message(h.getStatus(), h.getMessage());
        }
        if (t instanceof JedisException) {
            LOG.warn("Redis failed during {} {}: {}", method, path, t.toString());
            return message(503, "Redis is unavailable; try again");
        }
        if (t instanceof Database.DatabaseException) {
            LOG.warn("PostgreSQL failed during {} {}: {}", method, path, t.getMessage());
            return message(503, "PostgreSQL is unavailable; try again");
        }
        LOG.error("unexpected failure during {} {}", method, path, t);
        return message(500, "internal error; the server log has the details");
    }

    static ErrorAnswer message(int status, String message) {
        return new ErrorAnswer(status, MAPPER.createObjectNode().put("status", status).put("error", message).toString());
    }
}
