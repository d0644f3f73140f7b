import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { renderEventJsonSchema } from '../../scripts/render-json-schema.js';
import { EVENT_TYPES } from '../contract/events.js';
import { validEventArb } from '../testing/event-arbitraries.js';
import { sampleEvent } from '../testing/sample-events.js';
import { validateEvent } from '../validation/validate-event.js';
import { eventJsonSchema } from './event-json-schema.js';

const committedPath = join(__dirname, '..', '..', 'schema', 'event.schema.json');

function compile() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(eventJsonSchema());
}

/** Small edits that may or may not break an event; both validators must agree on each. */
const mutations: ((e: Record<string, unknown>) => void)[] = [
  () => undefined,
  (e) => delete e['event_id'],
  (e) => (e['event_id'] = 'not-a-uuid'),
  (e) => (e['event_type'] = 'login'),
  (e) => delete e['event_type'],
  (e) => (e['event_time'] = '2026-03-08T09:15:00'),
  (e) => (e['event_time'] = '2026-03-08 09:15:00Z'),
  (e) => (e['event_time'] = 12),
  (e) => (e['user_id'] = ''),
  (e) => (e['schema_version'] = 2),
  (e) => (e['schema_version'] = '1'),
  (e) => (e['device'] = 'tv'),
  (e) => (e['country'] = 'XX'),
  (e) => (e['currency'] = 'usd'),
  (e) => (e['price_cents'] = -1),
  (e) => (e['price_cents'] = 1.5),
  (e) => (e['quantity'] = 0),
  (e) => (e['quantity'] = 2),
  (e) => (e['amount_cents'] = 0),
  (e) => (e['items'] = []),
  (e) => (e['items'] = [{ product_id: 'p', category: 'c', price_cents: 1 }]),
  (e) => (e['items'] = [{ product_id: 'p', category: 'c', price_cents: 1, quantity: 1 }]),
  (e) => (e['page_url'] = null),
  (e) => (e['product_name'] = 'Dune'),
  (e) => (e['product_name'] = ''),
  (e) => (e['product_name'] = 7),
  (e) => (e['product_name'] = 'a\u0007b'),
  (e) => (e['product_name'] = 'n'.repeat(257)),
  (e) =>
    (e['items'] = [
      { product_id: 'p', category: 'c', price_cents: 1, quantity: 1, product_name: 'Dune' },
    ]),
  (e) =>
    (e['items'] = [
      { product_id: 'p', category: 'c', price_cents: 1, quantity: 1, product_name: '' },
    ]),
  (e) =>
    (e['items'] = [
      { product_id: 'p', category: 'c', price_cents: 1, quantity: 1, product_name: null },
    ]),
  (e) => (e['extra'] = { anything: true }),
];

describe('event JSON Schema', () => {
  it('is committed and up to date (run nx run @shoplens/schemas:generate-json-schema)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(renderEventJsonSchema());
  });

  it('is a valid draft 2020-12 schema under strict mode', () => {
    expect(() => compile()).not.toThrow();
  });

  it('agrees with validateEvent on every sample and mutation', () => {
    const validate = compile();
    let rejected = 0;
    for (const type of EVENT_TYPES) {
      mutations.forEach((mutate, index) => {
        const event = sampleEvent(type);
        mutate(event);
        const ours = validateEvent(event).ok;
        if (!ours) rejected++;
        expect({ type, index, valid: validate(event) }).toEqual({ type, index, valid: ours });
      });
    }
    expect(rejected).toBeGreaterThan(EVENT_TYPES.length * 10);
  });

  it('accepts every generated valid event', () => {
    const validate = compile();
    fc.assert(
      fc.property(validEventArb(), (event) => {
        expect(validate(event) ? [] : validate.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
