package io.nowcast.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error answer with a JSON body of its own (e.g. every invalid event of a batch). */
final class ApiException extends RuntimeException {
    final int status;
    final ObjectNode body;

    ApiException(int status, ObjectNode body) {
        super(body.path("error").asText(), null, false, false);
        this.status = status;
        this.body = body;
    }
}
