-- Up Migration
CREATE TABLE IF NOT EXISTS products (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  price_cents integer NOT NULL,
  created_at  timestamptz DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS products;
