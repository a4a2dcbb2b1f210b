-- The product catalog, the source of truth that CDC (Debezium, pgoutput) streams into the
-- product_catalog topic. Shops also write it with their own tools, so the columns are as lenient as a
-- shop's export: the CDC process checks every row (name and category present, price >= 0, text within
-- bounds) and reports a bad one on product_catalog_dlq instead of the table refusing it.
CREATE TABLE product_catalog (
    product_id  TEXT        PRIMARY KEY,
    name        TEXT,
    category    TEXT,
    price       NUMERIC,
    description TEXT,
    image_url   TEXT,
    in_stock    BOOLEAN     NOT NULL DEFAULT true,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Full before-images in the change stream.
ALTER TABLE product_catalog REPLICA IDENTITY FULL;

-- updated_at follows every change, whoever makes it.
CREATE FUNCTION product_catalog_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER product_catalog_touch BEFORE UPDATE ON product_catalog
    FOR EACH ROW EXECUTE FUNCTION product_catalog_touch();
