package io.nowcast.speed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** A Lua script kept next to the class that runs it, loaded once and called by its SHA. */
public final class Scripts {
    private final String source;
    private final String name;
    private volatile String sha;

    public Scripts(Class<?> owner, String resource) {
        this.name = resource;
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath next to " + owner.getName());
            }
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /** The script's SHA, loading it into Redis the first time (for calls queued on a pipeline). */
    public String sha(UnifiedJedis redis) {
        if (sha == null) {
            sha = redis.scriptLoad(source);
        }
        return sha;
    }

    /** Loads the script again (Redis restarted or flushed its script cache); returns its SHA. */
    public String reload(UnifiedJedis redis) {
        sha = redis.scriptLoad(source);
        return sha;
    }

    /** The script's text, for an EVAL queued inside MULTI (where a missing SHA could not be reloaded in time). */
    public String source() {
        return source;
    }

    public Object eval(UnifiedJedis redis, List<String> args) {
        sha(redis);
        try {
            return redis.evalsha(sha, List.of(), args);
        } catch (JedisNoScriptException e) {
            // Redis restarted or flushed its script cache.
            sha = redis.scriptLoad(source);
            return redis.evalsha(sha, List.of(), args);
        }
    }

    /** One element of a script's reply as text: Redis sends strings as bulk replies, which Jedis may hand over as bytes. */
    public static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
