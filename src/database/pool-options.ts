import type pg from 'pg';

/**
 * Options every `pg` pool of the service gets. A connection the server drops (restart,
 * `pg_terminate_backend`, network) can emit a second 'error' after its user has already let go of
 * it; with no listener left, Node turns that into a crash. The query that was running still fails
 * and the pool still discards the connection; this only keeps the process alive.
 */
export const poolOptions = (max: number): pg.PoolConfig & { onConnect: (client: pg.PoolClient) => void } => ({
  max,
  onConnect: (client) => {
    client.on('error', () => undefined);
  },
});

/** A pool that survives its server going away (see `poolOptions`). */
export const guardPool = <P extends pg.Pool>(pool: P): P => {
  pool.on('error', () => undefined);
  return pool;
};
