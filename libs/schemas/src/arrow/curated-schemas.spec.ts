import { baseFields, eventFields } from '../contract/events.js';
import { curatedEventsSchema, curatedOrderItemsSchema } from './curated-schemas.js';

describe('curated Arrow schemas', () => {
  it('have a column for every scalar field of the contract', () => {
    const columns = new Set(curatedEventsSchema.fields.map((f) => f.name));
    const scalars = new Set<string>(Object.keys(baseFields).filter((k) => k !== 'schema_version'));
    for (const shape of Object.values(eventFields)) {
      for (const [name, field] of Object.entries(shape)) {
        if (field.spec.kind !== 'array') scalars.add(name);
      }
    }
    expect([...scalars].filter((name) => !columns.has(name))).toEqual([]);
  });

  it('make the common fields non-nullable and the type-specific ones nullable', () => {
    const nullable = Object.fromEntries(
      curatedEventsSchema.fields.map((f) => [f.name, f.nullable]),
    );
    expect(nullable).toMatchObject({ event_id: false, event_time: false, order_id: true });
  });

  it('key order items by order and line', () => {
    expect(curatedOrderItemsSchema.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['order_id', 'line', 'product_id', 'price_cents', 'quantity']),
    );
  });
});
