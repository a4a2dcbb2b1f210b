-- Dashboard accounts: a viewer reads, an admin also changes rules, runs the batch layer and adds
-- accounts. Only a password hash (bcrypt) is kept. The first admin comes from configuration.
CREATE TABLE dashboard_users (
    username      TEXT        PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    password_hash TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('viewer', 'admin')),
    created_by    TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
