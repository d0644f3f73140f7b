import { CONTROL_CHARACTER, type FieldSpec, type ObjectShape } from '../contract/fields.js';
import { parseEventTime } from './event-time.js';

/**
 * Allocation-free yes/no checks compiled once from the field descriptors. Valid input,
 * the common case, only ever takes this path; the slower walk that explains what is
 * wrong runs only for input these reject.
 */
export type Test = (value: unknown) => boolean;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array of objects of one shape, `minItems` to `maxItems` long. */
function arrayTest(items: ObjectShape, minItems: number, maxItems: number): Test {
  const item = generateObjectTest(items);
  return (v) => {
    if (!Array.isArray(v) || v.length < minItems || v.length > maxItems) return false;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (!isPlainObject(x) || !item(x)) return false;
    }
    return true;
  };
}

/**
 * Straight-line source for one object shape: V8 inlines and specialises it far better
 * than a loop over per-field closures (about 2x on the benchmark). Only descriptor data
 * from this package reaches the generated code; values are passed in, never spliced.
 */
export function generateObjectTest(shape: ObjectShape): (obj: Record<string, unknown>) => boolean {
  const refs: unknown[] = [];
  const ref = (value: unknown) => `r[${refs.push(value) - 1}]`;
  let counter = 0;
  const objectBody = (s: ObjectShape, obj: string): string => {
    let code = '';
    for (const [key, field] of Object.entries(s)) {
      const v = `v${counter++}`;
      code += `var ${v} = ${obj}[${JSON.stringify(key)}];\n`;
      const check = valueCheck(field.spec, v);
      code += field.optional
        ? `if (${v} !== undefined && !(${check})) return false;\n`
        : `if (${v} === undefined || !(${check})) return false;\n`;
    }
    return code;
  };
  const valueCheck = (spec: FieldSpec, v: string): string => {
    switch (spec.kind) {
      case 'string':
        return (
          `typeof ${v} === 'string' && ${v}.length >= ${spec.minLength} && ${v}.length <= ${spec.maxLength}` +
          (spec.pattern === undefined ? '' : ` && ${ref(new RegExp(spec.pattern))}.test(${v})`) +
          // A pattern of the contract admits no control character (a test checks it), so
          // the fast path spends one regular expression per string, not two.
          (spec.controlFree && spec.pattern === undefined
            ? ` && !${ref(CONTROL_CHARACTER)}.test(${v})`
            : '')
        );
      case 'enum':
        return `typeof ${v} === 'string' && ${ref(new Set(spec.values))}.has(${v})`;
      case 'const':
        return `${v} === ${JSON.stringify(spec.value)}`;
      case 'integer':
        return `typeof ${v} === 'number' && Number.isSafeInteger(${v}) && ${v} >= ${spec.minimum} && ${v} <= ${spec.maximum}`;
      case 'timestamp':
        return `typeof ${v} === 'string' && ${ref(parseEventTime)}(${v}) !== undefined`;
      case 'array':
        return `${ref(arrayTest(spec.items, spec.minItems, spec.maxItems))}(${v})`;
    }
  };
  const body = objectBody(shape, 'o');
  const factory = new Function('r', `return function test(o) {\n${body}return true;\n};`);
  return factory(refs) as (obj: Record<string, unknown>) => boolean;
}
