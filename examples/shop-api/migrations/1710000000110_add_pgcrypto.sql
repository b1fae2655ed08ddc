-- Up Migration
-- digest() and gen_random_uuid() come from pgcrypto (gen_random_uuid is core
-- since PG 13, digest is not): the extension must exist before sku_hash is filled.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

ALTER TABLE products ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE products ADD COLUMN IF NOT EXISTS sku_hash text;
UPDATE products SET sku_hash = encode(digest(name, 'sha256'), 'hex') WHERE sku_hash IS NULL;

-- Down Migration
ALTER TABLE products DROP COLUMN IF EXISTS sku_hash;
ALTER TABLE products ALTER COLUMN id DROP DEFAULT;
