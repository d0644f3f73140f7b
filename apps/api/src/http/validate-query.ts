import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ApiError } from '../errors.js';
import type { OperationObject } from './openapi-operations.js';

// ajv-formats is CommonJS: its default export arrives wrapped once more under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule })
  .default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

export type Query = Readonly<Record<string, unknown>>;

/** Checks and coerces a request's query string against an operation's parameter schemas. */
export type QueryValidator = (query: unknown) => Query;

function describe(
  error: ErrorObject,
  schemas: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): string {
  const name =
    error.keyword === 'required'
      ? String(error.params['missingProperty'])
      : error.instancePath.replace(/^\//, '');
  const what = `query parameter "${name}"`;
  switch (error.keyword) {
    case 'required':
      return `${what} is required`;
    case 'format':
    case 'pattern':
      return schemas.get(name)?.['format'] === 'date'
        ? `${what} must be a date YYYY-MM-DD`
        : `${what} must be an IANA time zone name such as Europe/Berlin`;
    case 'type':
      return `${what} must be ${error.params['type'] === 'integer' ? 'an integer' : `a single ${String(error.params['type'])}`}`;
    case 'enum':
      return `${what} must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
    default:
      return `${what} ${error.message ?? 'is invalid'}`;
  }
}

/** Compiles one validator per operation from the OpenAPI parameter schemas. */
export function compileQueryValidator(op: OperationObject): QueryValidator {
  const ajv = addFormats(
    new Ajv2020({ coerceTypes: true, useDefaults: true, allErrors: false, strict: false }),
  );
  const params = op.parameters.filter((p) => p.in === 'query');
  const schemas = new Map(params.map((p) => [p.name, p.schema]));
  const validate: ValidateFunction = ajv.compile({
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
  });
  return (query: unknown) => {
    // Only declared parameters are kept; others (cache busters and such) are ignored.
    const source = (query ?? {}) as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const p of params) if (source[p.name] !== undefined) copy[p.name] = source[p.name];
    if (!validate(copy)) {
      const first = validate.errors?.[0];
      throw new ApiError('invalid_parameter', first ? describe(first, schemas) : 'invalid query');
    }
    return copy;
  };
}
