package io.nowcast.dashboard;

import io.nowcast.users.UserStore;
import io.nowcast.users.UserStore.Role;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** Logins: bcrypt hashes in PostgreSQL ({@link UserStore}); the first admin from configuration. */
final class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    static final int MIN_PASSWORD = 8;

    private final UserStore store;
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(10);
    /** Checked against when the user does not exist, so a wrong name costs as long as a wrong password. */
    private final String dummyHash;

    Accounts(UserStore store) {
        this.store = store;
        this.dummyHash = bcrypt.encode("not a password of anyone");
    }

    /** Creates the configured admin, or resets its password to the configured one. */
    void ensureAdmin(String user, String password) {
        if (password == null) {
            LOG.warn("NOWCAST_DASHBOARD_ADMIN_PASSWORD is not set: no admin account is created; existing accounts can still log in");
            return;
        }
        Optional<UserStore.Account> existing = store.find(user);
        if (existing.isEmpty() || existing.get().role() != Role.admin || !bcrypt.matches(password, existing.get().passwordHash())) {
            store.put(user, bcrypt.encode(password), Role.admin, "config");
            LOG.info("dashboard admin account {} set from configuration", user);
        }
    }

    /** The role of a user whose password matches. */
    Optional<Role> authenticate(String user, String password) {
        if (user == null || password == null || user.length() > 64 || password.length() > 200) {
            return Optional.empty();
        }
        Optional<UserStore.Account> a = store.find(user);
        boolean ok = bcrypt.matches(password, a.map(UserStore.Account::passwordHash).orElse(dummyHash));
        return ok && a.isPresent() ? Optional.of(a.get().role()) : Optional.empty();
    }

    void add(String user, String password, Role role, String by) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD + " characters");
        }
        store.put(user, bcrypt.encode(password), role, by);
    }

    UserStore store() {
        return store;
    }
}
