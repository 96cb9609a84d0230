/**
 * Errors that mean "the database is not there, or did not answer in time", as opposed to "the
 * request was wrong": connection failures, a server shutting down or out of connections, a
 * statement the server cancelled at its deadline (57014) and a session it ended for idling in a
 * transaction (25P03).
 */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300', '57014', '25P03']);

/**
 * Whether a PostgreSQL error (from `pg`, directly or through TypeORM) says the database is
 * unavailable. The read models live in PostgreSQL whichever event store is configured, so the
 * projections and the HTTP layer ask this of their own queries' errors; the PostgreSQL event-store
 * adapter asks it to turn its errors into the store contract's (EventStoreUnavailableError).
 */
export const isDatabaseUnavailable = (error: unknown): boolean => {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(e.code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Query read timeout|timeout exceeded when trying to connect|timeout expired/i.test(
    e.message ?? '',
  );
};
