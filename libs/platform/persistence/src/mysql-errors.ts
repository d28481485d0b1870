/**
 * What a MySQL/MariaDB error means to the code that caught it, in one place. mysql2 puts the code on
 * the error; TypeORM wraps it in a QueryFailedError with the original as `driverError`.
 */
export function mysqlErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique key refused the row: the business answer is "it exists already". */
export const isDuplicateKey = (error: unknown): boolean => mysqlErrorCode(error) === 'ER_DUP_ENTRY';

/** Two transactions wanted the same rows; the loser may simply run again. */
export function isLockContention(error: unknown): boolean {
  const code = mysqlErrorCode(error);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/**
 * The database (or the way to it) is down or refusing, not the statement wrong: retry later, never
 * dead-letter a message or blame the caller for it. The socket codes are Node's, so a broker's
 * connection error (kafkajs carries them too) reads as unavailable as well, which is what the
 * consumer wants: both mean "not the message's fault".
 */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (UNAVAILABLE.has(mysqlErrorCode(error) ?? '')) return true;
  // A connection mysql2 has given up on throws on every later query, with no code but `fatal`.
  const e = error as { fatal?: unknown; driverError?: { fatal?: unknown } } | null;
  return e?.fatal === true || e?.driverError?.fatal === true;
}
