import { StorageError } from '@shoplens/storage';
import { BatchError, serviceError } from './errors.js';

/** An error shaped like pg's: a message and a SQLSTATE code. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('serviceError', () => {
  it.each([
    ['a violated constraint', new StorageError('WAREHOUSE_REJECTED', 'duplicate key value')],
    ['a bigint beyond 2^53', new StorageError('UNSAFE_INTEGER', 'too big')],
    ['data Parquet cannot encode', new StorageError('PARQUET_FAILED', 'bad column')],
    ['an S3 403', new StorageError('STORE_FAILED', 'AccessDenied', { retriable: false })],
  ])('calls %s rejected: a retry cannot help', (_what, cause) => {
    const error = serviceError('warehouse_failed', 'loading', cause);
    expect(error).toMatchObject({ code: 'rejected', retriable: false });
    expect(error.cause).toBe(cause);
  });

  it.each([
    [
      'a refused connection',
      new StorageError('WAREHOUSE_FAILED', 'ECONNREFUSED', { retriable: true }),
    ],
    ['an S3 503', new StorageError('STORE_FAILED', 'SlowDown', { retriable: true })],
    [
      'a store that did not answer',
      new StorageError('STORE_UNAVAILABLE', 'timeout', { retriable: true }),
    ],
    ['a file that vanished since the listing', new StorageError('NOT_FOUND', 'no object')],
  ])('keeps %s retriable', (_what, cause) => {
    expect(serviceError('lake_failed', 'reading', cause)).toMatchObject({
      code: 'lake_failed',
      retriable: true,
    });
  });

  it('classifies a raw database error by its SQLSTATE', () => {
    expect(serviceError('warehouse_failed', 'q', pgError('23505', 'dup')).code).toBe('rejected');
    expect(serviceError('warehouse_failed', 'q', pgError('42P01', 'no table')).code).toBe(
      'rejected',
    );
    expect(serviceError('warehouse_failed', 'q', pgError('40P01', 'deadlock')).code).toBe(
      'warehouse_failed',
    );
    expect(serviceError('warehouse_failed', 'q', pgError('ECONNREFUSED', 'refused')).code).toBe(
      'warehouse_failed',
    );
    expect(serviceError('warehouse_failed', 'q', new Error('Connection terminated')).code).toBe(
      'warehouse_failed',
    );
  });

  it('passes a BatchError through and keeps the message', () => {
    const own = new BatchError('no_input', 'nothing');
    expect(serviceError('lake_failed', 'x', own)).toBe(own);
    expect(serviceError('lake_failed', 'cannot list', new Error('boom')).message).toBe(
      'cannot list: boom',
    );
  });
});
