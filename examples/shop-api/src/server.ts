import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import pg from 'pg';
import { ConfigError, loadConfig, type AppConfig } from './config.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const SHUTDOWN_TIMEOUT_MS = 5_000;

interface ProductRow {
  id: string;
  name: string;
  price_cents: number;
  sku_hash: string | null;
  created_at: Date;
}

function toProduct(row: ProductRow) {
  return {
    id: row.id,
    name: row.name,
    priceCents: row.price_cents,
    skuHash: row.sku_hash,
    createdAt: row.created_at.toISOString(),
  };
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`shop-api: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const pool = new pg.Pool({
  ...config.db,
  max: 10,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  statement_timeout: 10_000,
});
pool.on('error', (err) => {
  // Errors on idle clients (e.g. the server restarted); the pool replaces them.
  console.error(`shop-api: idle database client error: ${err.message}`);
});

let shuttingDown = false;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.setHeader('Cache-Control', 'no-store');
  if (shuttingDown) res.setHeader('Connection', 'close');
  res.end(payload);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time check of `Authorization: Bearer <JWT_SECRET>`. */
function isAdmin(req: IncomingMessage): boolean {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length)), digest(config.jwtSecret));
}

async function handleHealth(res: ServerResponse): Promise<void> {
  try {
    await pool.query('SELECT 1');
    sendJson(res, 200, { status: 'ok', db: 'ok', version: config.version });
  } catch (err) {
    console.error(`shop-api: health check failed: ${(err as Error).message}`);
    sendJson(res, 503, { status: 'error', db: 'error', version: config.version });
  }
}

/** Feature flags, read from the env on each request (`true`/`1`/`yes`/`on` turn one on): slipway changes them without a rebuild. */
function flagOn(value: string | undefined): boolean {
  return ['true', '1', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

function handleFlags(res: ServerResponse): void {
  sendJson(res, 200, { UPYUN_DIRECT_UPLOAD_ENABLED: flagOn(process.env.UPYUN_DIRECT_UPLOAD_ENABLED ?? 'false') });
}

async function handleListProducts(res: ServerResponse, url: URL): Promise<void> {
  let limit = DEFAULT_LIMIT;
  const raw = url.searchParams.get('limit');
  if (raw !== null) {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
      sendJson(res, 400, { error: `limit must be an integer between 1 and ${MAX_LIMIT}` });
      return;
    }
    limit = Number(raw);
  }
  const result = await pool.query<ProductRow>(
    'SELECT id, name, price_cents, sku_hash, created_at FROM products ORDER BY name, id LIMIT $1',
    [limit],
  );
  const items = result.rows.map(toProduct);
  sendJson(res, 200, { items, count: items.length });
}

async function handleGetProduct(res: ServerResponse, id: string): Promise<void> {
  if (!UUID_RE.test(id)) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  const result = await pool.query<ProductRow>(
    'SELECT id, name, price_cents, sku_hash, created_at FROM products WHERE id = $1',
    [id],
  );
  const row = result.rows[0];
  if (row === undefined) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  sendJson(res, 200, toProduct(row));
}

async function handleAdminStats(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isAdmin(req)) {
    sendJson(res, 401, { error: 'unauthorized' });
    return;
  }
  const result = await pool.query<{ count: string }>('SELECT count(*)::text AS count FROM products');
  sendJson(res, 200, { products: Number(result.rows[0]?.count ?? 0) });
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;

  if (req.method === 'GET' || req.method === 'HEAD') {
    if (path === '/health') return handleHealth(res);
    if (path === '/flags') return handleFlags(res);
    if (path === '/api/products') return handleListProducts(res, url);
    const match = /^\/api\/products\/([^/]+)$/.exec(path);
    if (match?.[1] !== undefined) return handleGetProduct(res, decodeURIComponent(match[1]));
    if (path === '/api/admin/stats') return handleAdminStats(req, res);
  }
  sendJson(res, 404, { error: 'not found' });
}

const server = createServer((req, res) => {
  route(req, res).catch((err: unknown) => {
    console.error(`shop-api: ${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}`);
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    else res.destroy();
  });
});

// Longer than the usual 60 s idle timeout of load balancers / reverse proxies,
// so the proxy (not Node) is the side that closes idle keep-alive connections.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 30_000;

server.on('error', (err) => {
  console.error(`shop-api: server error: ${err.message}`);
  process.exit(1);
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(`listening on http://${host}:${port}`);
});

function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) return;
  shuttingDown = true;
  console.error(`shop-api: received ${signal}, shutting down`);

  const forceTimer = setTimeout(() => {
    console.error(`shop-api: in-flight requests did not finish within ${SHUTDOWN_TIMEOUT_MS} ms, forcing exit`);
    server.closeAllConnections();
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  forceTimer.unref();

  // Stop accepting new connections; the callback runs once in-flight requests are done.
  server.close((err) => {
    pool
      .end()
      .catch((poolErr: unknown) => console.error(`shop-api: error closing database pool: ${(poolErr as Error).message}`))
      .finally(() => {
        clearTimeout(forceTimer);
        if (err) console.error(`shop-api: error closing server: ${err.message}`);
        process.exit(0);
      });
  });
  server.closeIdleConnections();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
