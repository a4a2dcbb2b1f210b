package io.nowcast.simulator;

import java.time.Duration;

/**
 * When the simulator's events fall due: at {@code rate} events/s, reached linearly from 0 over {@code ramp}
 * (none: at once). A ramp lets a pipeline that has just started, its JVMs still compiling, meet the load
 * as it grows instead of all at once: on two cores, 60 K events/s from the first second left the speed
 * layer 0.5–0.7 M records behind within half a minute, and 70–80 K about 2 M within a minute (README,
 * Benchmarks, "A simulator that ramps up").
 */
record Pace(double rate, Duration ramp) {
    Pace {
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive, got " + rate);
        }
        if (ramp.isNegative()) {
            throw new IllegalArgumentException("--ramp must not be negative, got " + ramp);
        }
    }

    private double rampSeconds() {
        return ramp.toNanos() / 1e9;
    }

    /** How many events fall due within the first {@code seconds} since the start: the rate's integral. */
    double dueWithin(double seconds) {
        double r = rampSeconds();
        if (seconds <= 0) {
            return 0;
        }
        if (seconds < r) {
            return rate * seconds * seconds / (2 * r);
        }
        return rate * (seconds - r / 2);
    }

    /** When, in seconds since the start, {@code events} have fallen due: the inverse of {@link #dueWithin}. */
    double secondsUntil(double events) {
        double r = rampSeconds();
        if (events <= 0) {
            return 0;
        }
        if (events < rate * r / 2) {
            return Math.sqrt(2 * r * events / rate);
        }
        return events / rate + r / 2;
    }
}
