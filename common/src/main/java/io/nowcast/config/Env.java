package io.nowcast.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code NOWCAST_*} settings from an environment map and collects every problem, so that a
 * process fails once, naming all bad variables, rather than one per restart. Only {@code main}
 * methods pass {@code System.getenv()}; tests pass a map.
 */
public final class Env {
    private final Map<String, String> vars;
    private final List<String> problems = new ArrayList<>();

    public Env(Map<String, String> vars) {
        this.vars = vars;
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String string(String name, String fallback) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    public String required(String name) {
        String v = string(name, null);
        if (v == null) {
            problems.add(name + " is required but not set");
        }
        return v;
    }

    public int integer(String name, int fallback, int min, int max) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                problems.add(name + "=" + v + " is out of range [" + min + ", " + max + "]");
                return fallback;
            }
            return i;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + v + " is not an integer");
            return fallback;
        }
    }

    public int port(String name, int fallback) {
        return integer(name, fallback, 0, 65535);
    }

    /** Throws if any variable read so far was missing or malformed, naming all of them. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new ConfigException("bad configuration: " + String.join("; ", problems));
        }
    }

    /** A configuration problem; mains print its message and exit non-zero. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
