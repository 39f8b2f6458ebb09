/**
 * Whether `error` (or any of its causes) says the database connection is gone, rather
 * than that a statement was wrong: refused or reset sockets, a server shutting down or
 * starting up (SQLSTATE 57P01–57P03), connection exceptions (class 08), and the driver's
 * own "terminated" errors (or several of these together). The worker pauses on these instead of reporting each job.
 */
export function isConnectionLoss(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || /^57P0[123]$/.test(code) || /^08/.test(code)))
      return true;
    if (e.name === 'BackendTerminatedError' || e.name === 'ConnectionError') return true;
    if (LOST_MESSAGES.test(e.message)) return true;
    // Several failures reported as one (graphile-worker's shutdown): lost if each of them is.
    if (e instanceof AggregateError && e.errors.length > 0) return e.errors.every(isConnectionLoss);
  }
  return false;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const LOST_MESSAGES =
  /Connection terminated|connection error and is not queryable|the database system is (shutting down|starting up)|terminating connection due to administrator command|timeout exceeded when trying to connect/i;
