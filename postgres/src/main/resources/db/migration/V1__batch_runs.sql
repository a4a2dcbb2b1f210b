-- The batch layer's run log: one row per run, written by the batch job, read by the dashboard.
CREATE TABLE batch_runs (
    run_id            BIGSERIAL PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at          TIMESTAMPTZ,
    status            TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    trigger           TEXT        NOT NULL,
    host              TEXT,
    as_of             DATE,
    lookback_days     INTEGER,
    purchases         BIGINT,
    unknown_purchases BIGINT,
    baskets           BIGINT,
    products          BIGINT,
    pairs             BIGINT,
    users             BIGINT,
    version           TEXT,
    warnings          TEXT,
    error             TEXT
);

CREATE INDEX batch_runs_started_at ON batch_runs (started_at DESC);
