import { classifyDatabaseError, isDatabaseUnavailable } from './database-errors.js';

const pgError = (code: string, cause?: unknown) =>
  Object.assign(new Error(`pg ${code}`), { code }, cause === undefined ? {} : { cause });

describe('database errors', () => {
  it('calls a refused or lost connection retriable and unavailable, behind causes too', () => {
    const refused = new AggregateError(
      [Object.assign(new Error('connect ECONNREFUSED ::1'), { code: 'ECONNREFUSED' })],
      '',
    );
    const wrapped = new Error('cannot load the warehouse', { cause: refused });
    expect(classifyDatabaseError(wrapped)).toBe('retriable');
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    const lost = new Error('Connection terminated unexpectedly');
    expect(classifyDatabaseError(lost)).toBe('retriable');
    expect(isDatabaseUnavailable(lost)).toBe(true);
  });

  it('calls bad data, constraints and privileges permanent, and not unavailability', () => {
    for (const code of ['23505', '22003', '42501', '28P01']) {
      expect(classifyDatabaseError(pgError(code))).toBe('permanent');
      expect(isDatabaseUnavailable(pgError(code))).toBe(false);
    }
    expect(classifyDatabaseError(new Error('load failed', { cause: pgError('23514') }))).toBe(
      'permanent',
    );
  });

  it('calls a deadlock retriable and a shutting-down server unavailable', () => {
    expect(classifyDatabaseError(pgError('40P01'))).toBe('retriable');
    expect(isDatabaseUnavailable(pgError('40P01'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('57P01'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('53300'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('a bug'))).toBe(false);
    expect(classifyDatabaseError(new Error('unknown'))).toBe('retriable');
  });
});
