/**
 * Whether an error means "a dependency is away for now" (PostgreSQL down, restarting or refusing connections,
 * a connection cut mid-query) rather than a bug: such errors become `service_unavailable` (503 with
 * Retry-After), never `internal_error` (500). Pure: looks only at the shape of the error (pg, TypeORM's
 * QueryFailedError with its driverError, Node's socket errors, AggregateError from happy-eyeballs connects).
 */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, crash, cannot connect now), 53300. */
const SQLSTATE = /^(08\d{3}|57P0[123]|53300)$/;
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end/i,
  /connect ECONNREFUSED/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /Connection is closed/i, // ioredis, when Redis is away
];

export function isDependencyUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 3) return false;
  const x = e as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof x.code === 'string' && (NODE_CODES.has(x.code) || SQLSTATE.test(x.code))) return true;
  if (typeof x.message === 'string' && MESSAGES.some((m) => m.test(x.message as string))) return true;
  if (isDependencyUnavailable(x.driverError, depth + 1) || isDependencyUnavailable(x.cause, depth + 1))
    return true;
  return Array.isArray(x.errors) && x.errors.some((inner) => isDependencyUnavailable(inner, depth + 1));
}
