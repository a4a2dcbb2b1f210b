package io.nowcast.serving;

import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The hot route, {@code GET /api/v1/users/{userId}/recommendations} with good parameters, answered in
 * Jetty before Javalin's servlet layer: {@link ReadApi#answer(ReadApi.Query)} is the same code the Javalin
 * route runs, and a failure gets the same {@link ErrorAnswer}. Everything else goes on to Javalin: another
 * method or route, and a bad parameter (the route's 400 says which), on a pool thread. Why: on this 2-core machine wrk got
 * 73–87 K answers/s from a bare Jetty handler and 28–38 K/s from the same 2 KB answer through a Javalin
 * route, so the servlet layer cost more than the route's own work. Javalin attaches its servlet context
 * inside this wrapper (set with {@code modifyServer}).
 */
final class RecommendationsHandler extends Handler.Wrapper {
    private static final String PREFIX = ApiPaths.RECOMMENDATIONS.substring(0, ApiPaths.RECOMMENDATIONS.indexOf('{'));
    private static final String SUFFIX = ApiPaths.RECOMMENDATIONS.substring(ApiPaths.RECOMMENDATIONS.indexOf('}') + 1);

    private final ReadApi read;
    private final Metrics metrics;
    private final Timer answered;

    RecommendationsHandler(ReadApi read, Metrics metrics) {
        this.read = read;
        this.metrics = metrics;
        this.answered = metrics.requests("GET", ApiPaths.RECOMMENDATIONS, 200);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ReadApi.Query q = HttpMethod.GET.is(request.getMethod()) ? query(request) : null;
        if (q == null) {
            // Javalin may block (Redis, PostgreSQL, Kafka): on a pool thread, never on the selector.
            getServer().getThreadPool().execute(() -> {
                try {
                    if (!super.handle(request, response, callback)) {
                        Response.writeError(request, response, callback, 404);
                    }
                } catch (Throwable t) {
                    callback.failed(t);
                }
            });
            return true;
        }
        long start = System.nanoTime();
        CompletableFuture<String> answer;
        try {
            answer = read.answer(q);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            send(response, callback, 200, answer.join(), start);
        } else {
            answer.whenComplete((body, failed) -> {
                if (failed == null) {
                    send(response, callback, 200, body, start);
                } else {
                    ErrorAnswer e = ErrorAnswer.of(failed, "GET", Request.getPathInContext(request));
                    send(response, callback, e.status(), e.json(), start);
                }
            });
        }
        return true;
    }

    private void send(Response response, Callback callback, int status, String body, long start) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        } catch (RuntimeException e) {
            callback.failed(e); // the connection is gone or the answer already started: Jetty ends the exchange
            return;
        }
        (status == 200 ? answered : metrics.requests("GET", ApiPaths.RECOMMENDATIONS, status))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /**
     * Non-blocking, so Jetty may run {@link #handle} on the selector thread that read the request instead
     * of handing it to a pool thread: a cached answer is a few map lookups and a string, and the hand-over
     * cost more than that (at 10 K requests/s, a bare Jetty handler used 21–34 µs of CPU a request as
     * non-blocking and 55–91 µs as blocking). Whatever may block goes to a pool thread or the answer threads.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** This request's checked parameters, or null when it is not this route or a parameter is bad. */
    private ReadApi.Query query(Request request) {
        String path = Request.getPathInContext(request);
        if (path.length() <= PREFIX.length() + SUFFIX.length() || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
            return null;
        }
        Fields query;
        try {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        } catch (RuntimeException badQuery) {
            return null;
        }
        return read.query(path.substring(PREFIX.length(), path.length() - SUFFIX.length()), query.getValue("limit"), query.getValue("exclude"));
    }
}
