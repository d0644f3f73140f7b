import { ShoplensError, isShoplensError } from './errors.js';

class ExampleError extends ShoplensError<'broken' | 'busy'> {
  override readonly name = 'ExampleError';
}

describe('ShoplensError', () => {
  it('carries a code, the cause and whether a retry may pass', () => {
    const cause = new Error('underneath');
    const error = new ExampleError('busy', 'try later', { cause, retriable: true });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ShoplensError);
    expect(error).toMatchObject({ name: 'ExampleError', code: 'busy', retriable: true, cause });
    expect(error.message).toBe('try later');
  });

  it('is not retriable and has no cause unless told', () => {
    const error = new ExampleError('broken', 'no');
    expect(error.retriable).toBe(false);
    expect('cause' in error).toBe(false);
  });

  it('is recognised by code', () => {
    const error = new ExampleError('broken', 'no');
    expect(isShoplensError(error)).toBe(true);
    expect(isShoplensError(error, 'broken')).toBe(true);
    expect(isShoplensError(error, 'busy')).toBe(false);
    expect(isShoplensError(new Error('x'))).toBe(false);
  });
});
