import { uniqueId } from './unique-id.js';

describe('uniqueId', () => {
  it('is a valid topic name and SQL identifier, different on every call', () => {
    const ids = new Set(Array.from({ length: 100 }, () => uniqueId('My Test', '_')));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^my_test_[a-z0-9]+_[0-9a-f]{8}$/);
  });
});
