/** A PostgreSQL connection as data; passwords travel only in PGPASSWORD, never on a command line. */
export interface PgConn {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function parsePgUrl(url: string): PgConn {
  const u = new URL(url);
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`not a postgres URL (${u.protocol})`);
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

export function pgUrl(c: PgConn): string {
  return `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${encodeURIComponent(c.database)}`;
}

/** libpq environment for pg_dump / pg_restore / psql. */
export function pgEnv(c: PgConn): Record<string, string> {
  return { PGHOST: c.host, PGPORT: String(c.port), PGUSER: c.user, PGPASSWORD: c.password, PGDATABASE: c.database, PGCONNECT_TIMEOUT: '10' };
}

/** The variables an app gets for its database (pitfall 7: DB_USER, not DB_USERNAME). */
export function appDbEnv(c: PgConn): Record<string, string> {
  return { DB_HOST: c.host, DB_PORT: String(c.port), DB_NAME: c.database, DB_USER: c.user, DB_PASSWORD: c.password, DATABASE_URL: pgUrl(c) };
}
