-- Up Migration
-- Fixed ids keep the seed idempotent (ON CONFLICT DO NOTHING).
INSERT INTO products (id, name, price_cents, sku_hash) VALUES
  ('00000000-0000-4000-8000-000000000001', 'Butter Croissant',        350, encode(digest('Butter Croissant', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000002', 'Pain au Chocolat',        395, encode(digest('Pain au Chocolat', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000003', 'Sourdough Loaf',          780, encode(digest('Sourdough Loaf', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000004', 'Baguette',                320, encode(digest('Baguette', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000005', 'Almond Financier',        280, encode(digest('Almond Financier', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000006', 'Lemon Tart',              550, encode(digest('Lemon Tart', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000007', 'Cinnamon Roll',           420, encode(digest('Cinnamon Roll', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000008', 'Matcha Roll Cake',        690, encode(digest('Matcha Roll Cake', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-000000000009', 'Egg Tart',                250, encode(digest('Egg Tart', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-00000000000a', 'Pineapple Bun',           300, encode(digest('Pineapple Bun', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-00000000000b', 'Black Sesame Mochi Bread', 450, encode(digest('Black Sesame Mochi Bread', 'sha256'), 'hex')),
  ('00000000-0000-4000-8000-00000000000c', 'Cheesecake Slice',        620, encode(digest('Cheesecake Slice', 'sha256'), 'hex'))
ON CONFLICT (id) DO NOTHING;

-- Down Migration
DELETE FROM products WHERE id IN (
  '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000004',
  '00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000006',
  '00000000-0000-4000-8000-000000000007', '00000000-0000-4000-8000-000000000008',
  '00000000-0000-4000-8000-000000000009', '00000000-0000-4000-8000-00000000000a',
  '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'
);
