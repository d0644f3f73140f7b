import { baseFields, eventFields, EVENT_TYPES, SCHEMA_VERSION } from '../contract/events.js';
import type { FieldSpec, ObjectShape } from '../contract/fields.js';
import { EVENT_TIME_PATTERN } from '../validation/event-time.js';

export type JsonSchema = { readonly [key: string]: unknown };

/** A string without control characters, as `CONTROL_CHARACTER` of the contract says. */
const CONTROL_FREE_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';

export const EVENT_SCHEMA_ID = `https://shoplens.dev/schemas/event/v${SCHEMA_VERSION}.json`;

function fieldSchema(spec: FieldSpec, description: string): JsonSchema {
  switch (spec.kind) {
    case 'string':
      return {
        type: 'string',
        ...(spec.minLength > 0 ? { minLength: spec.minLength } : {}),
        maxLength: spec.maxLength,
        ...(spec.pattern !== undefined
          ? { pattern: spec.pattern }
          : spec.controlFree
            ? { pattern: CONTROL_FREE_PATTERN }
            : {}),
        description,
      };
    case 'enum':
      return { type: 'string', enum: [...spec.values], description };
    case 'const':
      return { const: spec.value, description };
    case 'integer':
      return {
        type: 'integer',
        minimum: spec.minimum,
        maximum: spec.maximum,
        description,
      };
    case 'timestamp':
      return { type: 'string', format: 'date-time', pattern: EVENT_TIME_PATTERN, description };
    case 'array':
      return {
        type: 'array',
        minItems: spec.minItems,
        maxItems: spec.maxItems,
        items: objectSchema(spec.items),
        description,
      };
  }
}

function objectSchema(shape: ObjectShape, extra: JsonSchema = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(shape)) {
    properties[name] = fieldSchema(field.spec, field.description);
    if (!field.optional) required.push(name);
  }
  return { type: 'object', required, properties, ...extra };
}

/**
 * The JSON Schema (draft 2020-12) of event contract v1. It says everything
 * `validateEvent` checks except what needs context: the arrival-time bound on
 * `event_time`, and calendar validity where a validator does not assert `format`.
 */
export function eventJsonSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) {
    defs[type] = objectSchema({ ...baseFields, ...eventFields[type] }, { title: type });
    (defs[type]['properties'] as Record<string, JsonSchema>)['event_type'] = { const: type };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: EVENT_SCHEMA_ID,
    title: `shoplens event, schema_version ${SCHEMA_VERSION}`,
    description:
      'One shop event. Unknown extra fields are allowed. Money is integer minor units of `currency`.',
    type: 'object',
    required: ['event_type', 'schema_version'],
    properties: {
      event_type: { enum: [...EVENT_TYPES] },
      schema_version: { const: SCHEMA_VERSION },
    },
    allOf: EVENT_TYPES.map((type) => ({
      if: { properties: { event_type: { const: type } }, required: ['event_type'] },
      then: { $ref: `#/$defs/${type}` },
    })),
    $defs: defs,
  };
}
