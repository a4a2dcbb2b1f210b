-- Merchandiser rules: pin a product to a position, block a product, block a category. Written by the
-- REST API and the dashboard (admin); cached in Redis (rules:current) for every merge.
CREATE TABLE merch_rules (
    kind       TEXT        NOT NULL CHECK (kind IN ('pin', 'block_product', 'block_category')),
    target     TEXT        NOT NULL CHECK (length(target) BETWEEN 1 AND 200),
    position   INTEGER     CHECK ((kind = 'pin') = (position IS NOT NULL) AND (position IS NULL OR position >= 1)),
    note       TEXT,
    created_by TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, target)
);

-- One row: the rule set's version, raised in the same transaction as every change, so a version
-- always names one rule set.
CREATE TABLE merch_rules_version (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    version  BIGINT  NOT NULL
);
INSERT INTO merch_rules_version VALUES (true, 0);
