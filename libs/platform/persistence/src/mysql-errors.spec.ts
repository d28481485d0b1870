import { isDatabaseUnavailable, isDuplicateKey, isLockContention, mysqlErrorCode } from './mysql-errors';

const driver = (code: string) => Object.assign(new Error(code), { code });
const wrapped = (code: string) => Object.assign(new Error('query failed'), { driverError: driver(code) });

describe('MySQL error classification', () => {
  it('reads the code from mysql2 errors and from TypeORM-wrapped ones', () => {
    expect(mysqlErrorCode(driver('ER_DUP_ENTRY'))).toBe('ER_DUP_ENTRY');
    expect(mysqlErrorCode(wrapped('ER_LOCK_DEADLOCK'))).toBe('ER_LOCK_DEADLOCK');
    expect(mysqlErrorCode(null)).toBeUndefined();
    expect(mysqlErrorCode({ code: 1062 })).toBeUndefined();
  });

  it('treats a connection mysql2 marked fatal as unavailable, whatever its message', () => {
    const closed = Object.assign(new Error("Can't add new command when connection is in closed state"), {
      fatal: true,
    });
    expect(isDatabaseUnavailable(closed)).toBe(true);
    expect(isDatabaseUnavailable({ driverError: closed })).toBe(true);
    expect(isDatabaseUnavailable(new Error('Duplicate entry'))).toBe(false);
  });

  it.each([
    ['ER_DUP_ENTRY', 'duplicate'],
    ['ER_LOCK_DEADLOCK', 'contention'],
    ['ER_LOCK_WAIT_TIMEOUT', 'contention'],
    ['PROTOCOL_CONNECTION_LOST', 'unavailable'],
    ['ECONNREFUSED', 'unavailable'],
    ['ER_SERVER_SHUTDOWN', 'unavailable'],
    ['ER_CON_COUNT_ERROR', 'unavailable'],
    ['ER_PARSE_ERROR', 'none'],
  ])('classifies %s as %s, whether wrapped or not', (code, kind) => {
    for (const error of [driver(code), wrapped(code)]) {
      expect(isDuplicateKey(error)).toBe(kind === 'duplicate');
      expect(isLockContention(error)).toBe(kind === 'contention');
      expect(isDatabaseUnavailable(error)).toBe(kind === 'unavailable');
    }
  });
});
