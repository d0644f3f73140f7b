/**
 * A tiny declarative field vocabulary. The event contract is written once with these
 * builders; the TypeScript types, the runtime validator and the JSON Schema are all
 * derived from the same descriptors, so they cannot drift apart.
 */

export type FieldSpec =
  | {
      readonly kind: 'string';
      readonly minLength: number;
      readonly maxLength: number;
      /** No C0 control character or DEL (U+0000 to U+001F, U+007F) anywhere in it. */
      readonly controlFree: boolean;
      /** Anchored regular expression source, shared with the JSON Schema `pattern`. */
      readonly pattern?: string;
      /** Human name of the pattern, used in messages ("a UUID", "3 capital letters"). */
      readonly patternName?: string;
    }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'const'; readonly value: string | number }
  | { readonly kind: 'integer'; readonly minimum: number; readonly maximum: number }
  | { readonly kind: 'timestamp' }
  | {
      readonly kind: 'array';
      readonly items: ObjectShape;
      readonly minItems: number;
      readonly maxItems: number;
    };

export interface Field<T = unknown, Optional extends boolean = boolean> {
  readonly spec: FieldSpec;
  readonly optional: Optional;
  readonly description: string;
  /** Phantom member carrying the TypeScript type of the field's value. */
  readonly __type?: T;
}

export type ObjectShape = Readonly<Record<string, Field>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ValueOf<F> = F extends Field<infer T, boolean> ? T : never;
type RequiredKeys<S extends ObjectShape> = {
  [K in keyof S]: S[K] extends Field<unknown, false> ? K : never;
}[keyof S];
type OptionalKeys<S extends ObjectShape> = Exclude<keyof S, RequiredKeys<S>>;

/** The TypeScript type described by an object shape. */
export type InferShape<S extends ObjectShape> = Simplify<
  { -readonly [K in RequiredKeys<S>]: ValueOf<S[K]> } & {
    -readonly [K in OptionalKeys<S>]?: ValueOf<S[K]>;
  }
>;

function field<T>(spec: FieldSpec, description: string): Field<T, false> {
  return Object.freeze({ spec: Object.freeze(spec), optional: false as const, description });
}

export function optional<T>(f: Field<T, false>): Field<T, true> {
  return Object.freeze({ ...f, optional: true as const });
}

/** A non-empty string of at most `maxLength` characters without control characters. */
export function text(maxLength: number, description: string): Field<string, false> {
  return field({ kind: 'string', minLength: 1, maxLength, controlFree: true }, description);
}

/** Like {@link text}, and it may be empty. */
export function optionalText(maxLength: number, description: string): Field<string, false> {
  return field({ kind: 'string', minLength: 0, maxLength, controlFree: true }, description);
}

export function patternString(
  pattern: string,
  patternName: string,
  maxLength: number,
  description: string,
): Field<string, false> {
  return field(
    { kind: 'string', minLength: 1, maxLength, controlFree: true, pattern, patternName },
    description,
  );
}

export function oneOf<const V extends readonly string[]>(
  values: V,
  description: string,
): Field<V[number], false> {
  return field({ kind: 'enum', values: Object.freeze([...values]) }, description);
}

export function constant<const V extends string | number>(
  value: V,
  description: string,
): Field<V, false> {
  return field({ kind: 'const', value }, description);
}

export function integer(
  minimum: number,
  maximum: number,
  description: string,
): Field<number, false> {
  return field({ kind: 'integer', minimum, maximum }, description);
}

export function timestamp(description: string): Field<string, false> {
  return field({ kind: 'timestamp' }, description);
}

export function arrayOf<const S extends ObjectShape>(
  items: S,
  minItems: number,
  maxItems: number,
  description: string,
): Field<InferShape<S>[], false> {
  return field(
    { kind: 'array', items: Object.freeze({ ...items }), minItems, maxItems },
    description,
  );
}

/** Matches a control character: what `controlFree` strings must not contain. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
