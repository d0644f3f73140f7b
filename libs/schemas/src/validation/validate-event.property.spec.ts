import fc from 'fast-check';
import { requiredPaths, validEventArb } from '../testing/event-arbitraries.js';
import { validateEvent } from './validate-event.js';

type Path = (string | number)[];

function formatPath(path: Path): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Runs `change` on the value at `path` inside a deep copy of `event`. */
function breakAt(
  event: unknown,
  path: Path,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const copy = structuredClone(event) as Record<string | number, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1))
    parent = parent[segment] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]!);
  return copy;
}

describe('validateEvent properties', () => {
  it('accepts every generated valid event, with its instant', () => {
    fc.assert(
      fc.property(validEventArb(), (event) => {
        const result = validateEvent(event);
        expect(result.ok).toBe(true);
        expect(result.ok && result.eventTimeMs).toBe(Date.parse(event.event_time));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects an event missing any required field, naming that field', () => {
    const arb = validEventArb().chain((event) =>
      fc.tuple(fc.constant(event), fc.constantFrom(...requiredPaths(event))),
    );
    fc.assert(
      fc.property(arb, ([event, path]) => {
        const broken = breakAt(event, path, (parent, key) => delete parent[key]);
        const result = validateEvent(broken);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.issues).toContainEqual(
            expect.objectContaining({ path: formatPath(path), code: 'missing_field' }),
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects an event with any required field of the wrong type, naming that field', () => {
    const wrong = fc.constantFrom<unknown>(null, true, [], { a: 1 }, 3.5);
    const arb = validEventArb().chain((event) =>
      fc.tuple(fc.constant(event), fc.constantFrom(...requiredPaths(event)), wrong),
    );
    fc.assert(
      fc.property(arb, ([event, path, value]) => {
        const broken = breakAt(event, path, (parent, key) => (parent[key] = value));
        const result = validateEvent(broken);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.issues.map((i) => i.path)).toContain(formatPath(path));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => validateEvent(value)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
