package io.nowcast.dashboard;

import io.nowcast.users.UserStore.Role;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side sessions: a random token in an HttpOnly, SameSite=Strict cookie names a session holding
 * the user, their role and a CSRF token that every state-changing form carries. In memory: a restart
 * logs everyone out, which a single dashboard process can afford.
 */
final class Sessions {
    static final String COOKIE = "nowcast_session";
    private static final SecureRandom RANDOM = new SecureRandom();

    record Session(String token, String user, Role role, String csrf, Instant expires) {
        boolean admin() {
            return role == Role.admin;
        }

        /** Constant-time comparison with the token a form sent. */
        boolean csrfMatches(String sent) {
            return sent != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final boolean secure;

    Sessions(Duration ttl, boolean secure) {
        this.ttl = ttl;
        this.secure = secure;
    }

    Session open(String user, Role role) {
        sessions.values().removeIf(s -> s.expires().isBefore(Instant.now()));
        Session s = new Session(token(), user, role, token(), Instant.now().plus(ttl));
        sessions.put(s.token(), s);
        return s;
    }

    Optional<Session> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Session s = sessions.get(token);
        if (s == null || s.expires().isBefore(Instant.now())) {
            if (s != null) {
                sessions.remove(token);
            }
            return Optional.empty();
        }
        return Optional.of(s);
    }

    void close(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    /** The Set-Cookie header value for a session (or for clearing it, with a null token). */
    String cookie(String token) {
        String base = COOKIE + "=" + (token == null ? "" : token) + "; Path=/; HttpOnly; SameSite=Strict";
        base += token == null ? "; Max-Age=0" : "; Max-Age=" + ttl.toSeconds();
        return secure ? base + "; Secure" : base;
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
