import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { eventIdFor } from './event-id.js';
import { isUuid, uuidV5 } from './uuid-v5.js';

describe('uuidV5', () => {
  it('matches the RFC 9562 construction (the DNS namespace example)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it("equals the construction on node:crypto's SHA-1, for names of any length and text", () => {
    const reference = (name: string, ns: string) => {
      const h = createHash('sha1')
        .update(Buffer.from(ns.replace(/-/g, ''), 'hex'))
        .update(name, 'utf8')
        .digest();
      h[6] = (h[6]! & 0x0f) | 0x50;
      h[8] = (h[8]! & 0x3f) | 0x80;
      const x = h.subarray(0, 16).toString('hex');
      return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ minLength: 30, maxLength: 60 }),
          fc.string({ minLength: 1000, maxLength: 3000 }),
        ),
        fc.uuid(),
        (name, ns) => {
          expect(uuidV5(name, ns)).toBe(reference(name, ns));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is a version-5, RFC-variant UUID', () => {
    fc.assert(
      fc.property(fc.string(), fc.uuid(), (name, ns) => {
        const id = uuidV5(name, ns);
        expect(isUuid(id)).toBe(true);
        expect(id[14]).toBe('5');
        expect('89ab').toContain(id[19]);
      }),
    );
  });
});

describe('eventIdFor', () => {
  it('keeps a messageId that is a UUID', () => {
    expect(eventIdFor({ messageId: '0F8FAD5B-D9CB-469F-A165-70867728950E' })).toBe(
      '0F8FAD5B-D9CB-469F-A165-70867728950E',
    );
  });

  it('derives a UUID v5 from any other messageId, the same each time', () => {
    const a = eventIdFor({ messageId: 'ajs-next-1714000000000-abc' });
    expect(isUuid(a)).toBe(true);
    expect(eventIdFor({ messageId: 'ajs-next-1714000000000-abc', sentAt: 'later' })).toBe(a);
    expect(eventIdFor({ messageId: 'ajs-next-1714000000000-abd' })).not.toBe(a);
    expect(eventIdFor({ messageId: 42 })).toBe(eventIdFor({ messageId: '42' }));
  });

  it('derives the id of a call without messageId from its content, not from what a retry changes', () => {
    const call = {
      type: 'track',
      event: 'Order Completed',
      userId: 'u1',
      properties: { order_id: 'o1', total: 3 },
    };
    const id = eventIdFor(call);
    expect(
      eventIdFor({
        properties: { total: 3, order_id: 'o1' },
        userId: 'u1',
        event: 'Order Completed',
        type: 'track',
        sentAt: 'x',
        writeKey: 'k',
      }),
    ).toBe(id);
    expect(eventIdFor({ ...call, userId: 'u2' })).not.toBe(id);
  });
});
