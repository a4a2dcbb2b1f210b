package io.nowcast.batch;

/** A run that cannot publish, with the message that goes into the run log. The previous version stays live. */
public final class BatchFailure extends RuntimeException {
    public BatchFailure(String message) {
        super(message);
    }

    public BatchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
