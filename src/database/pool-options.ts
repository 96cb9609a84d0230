import pg from 'pg';

/**
 * The deadlines of every PostgreSQL connection of the service (configured by the DB_*_TIMEOUT_MS
 * settings). Each bounds a different way of getting stuck:
 *
 * - `connectionTimeoutMs`: waiting for a pool connection, or for a new connection to be made;
 * - `statementTimeoutMs`: a statement the server runs too long; the server cancels it (SQLSTATE
 *   57014) and rolls its transaction back, so nothing it did is kept. Undefined: no limit (the
 *   maintenance tools, whose scratch-table builds and comparisons legitimately run for minutes);
 * - `queryTimeoutMs`: a server that does not answer at all (frozen, a network that drops packets).
 *   The client gives up and closes the connection; what the server did is unknown. Longer than the
 *   statement timeout, so that a server that still answers says "cancelled" first;
 * - `idleInTransactionMs`: a session left inside an open transaction (a request stuck between two
 *   statements); the server ends the session and rolls back.
 */
export interface PoolDeadlines {
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs?: number;
  readonly queryTimeoutMs: number;
  readonly idleInTransactionMs: number;
}

/** Injection token: the deadlines the application's connections were made with. */
export const POOL_DEADLINES = Symbol('POOL_DEADLINES');

/** The defaults of the configuration, for pools made outside the application (tests, tools). */
export const DEFAULT_DEADLINES: PoolDeadlines = {
  connectionTimeoutMs: 3000,
  statementTimeoutMs: 5000,
  queryTimeoutMs: 7000,
  idleInTransactionMs: 10_000,
};

export const deadlinesOf = (config: {
  DB_CONNECTION_TIMEOUT_MS: number;
  DB_STATEMENT_TIMEOUT_MS: number;
  DB_QUERY_TIMEOUT_MS: number;
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
}): PoolDeadlines => ({
  connectionTimeoutMs: config.DB_CONNECTION_TIMEOUT_MS,
  statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
  queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
  idleInTransactionMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
});

/**
 * For maintenance (migrations, the rebuild and verify tools): no statement timeout, since building
 * an index or comparing a whole table may take minutes, and a client-side backstop to match.
 */
export const maintenanceDeadlines = (deadlines: PoolDeadlines): PoolDeadlines => ({
  ...deadlines,
  statementTimeoutMs: undefined,
  queryTimeoutMs: 6 * 3_600_000,
});

/** The message pg gives a query whose answer did not come within `query_timeout`. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * A pg client that closes its connection when a query's answer does not come in time. pg itself
 * only fails the query: the connection stays busy with it, and a pool (TypeORM releases without
 * saying why) would hand the connection out again, its next user queued behind an answer that may
 * never come. Closed, the connection is dropped by its pool (pg-pool discards a client that is no
 * longer queryable) and whatever depends on it (a lease's locks) sees it end.
 */
export class DeadlineClient extends pg.Client {
  override query(...args: unknown[]): any {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function' && typeof (result as Promise<unknown>).catch === 'function') {
      (result as Promise<unknown>).catch((error: unknown) => {
        if ((error as Error | undefined)?.message === QUERY_READ_TIMEOUT) this.abandon();
      });
    }
    return result;
  }

  /** Closes the socket without waiting for the server (which may be frozen). */
  abandon(): void {
    (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }
}

/** Connection settings that carry the deadlines, for a single client or a pool. */
export const clientDeadlines = (deadlines: PoolDeadlines): pg.ClientConfig => ({
  connectionTimeoutMillis: deadlines.connectionTimeoutMs,
  query_timeout: deadlines.queryTimeoutMs,
  idle_in_transaction_session_timeout: deadlines.idleInTransactionMs,
  ...(deadlines.statementTimeoutMs === undefined ? {} : { statement_timeout: deadlines.statementTimeoutMs }),
});

/**
 * Options every `pg` pool of the service gets: the deadlines above, and a guard. A connection the
 * server drops (restart, `pg_terminate_backend`, network) can emit a second 'error' after its user
 * has already let go of it; with no listener left, Node turns that into a crash. The query that was
 * running still fails and the pool still discards the connection; this only keeps the process alive.
 */
export const poolOptions = (max: number, deadlines: PoolDeadlines = DEFAULT_DEADLINES): pg.PoolConfig & { onConnect: (client: pg.PoolClient) => void } => ({
  max,
  ...clientDeadlines(deadlines),
  Client: DeadlineClient as unknown as typeof pg.Client,
  onConnect: (client) => {
    client.on('error', () => undefined);
  },
});

/** A pool that survives its server going away (see `poolOptions`). */
export const guardPool = <P extends pg.Pool>(pool: P): P => {
  pool.on('error', () => undefined);
  return pool;
};
