/**
 * Validation throughput: parseEventLine over 1,000,000 mixed JSON lines, next to
 * JSON.parse alone over the same lines (the floor any validator pays). Goal: at least
 * 1,000,000 valid events/s on one core.
 */
import { parseEventLine, validateEvent } from '@shoplens/schemas';
import { measure, printTable, formatRate } from './harness.js';
import { mixedEventLines } from './mixed-events.js';

const COUNT = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const INVALID_SHARE = 0.02;

const lines = mixedEventLines(COUNT, INVALID_SHARE);
const bytes = lines.map((l) => Buffer.from(l));
const parsed = lines.map((l) => {
  try {
    return JSON.parse(l) as unknown;
  } catch {
    return l;
  }
});
const avgBytes = bytes.reduce((n, b) => n + b.length, 0) / bytes.length;

/** Valid events each case saw in its last round; also keeps the work observable. */
const validSeen = new Map<string, number>();
const count = (name: string, inputs: readonly unknown[], isValid: (x: never) => boolean) => ({
  name,
  run: () => {
    let valid = 0;
    for (const x of inputs) if (isValid(x as never)) valid++;
    validSeen.set(name, valid);
    return inputs.length;
  },
});

const results = measure(
  [
    count('JSON.parse (reference)', lines, (line: string) => {
      try {
        return typeof JSON.parse(line) === 'object';
      } catch {
        return false;
      }
    }),
    count('parseEventLine(string)', lines, (line: string) => parseEventLine(line).ok),
    count('parseEventLine(bytes)', bytes, (b: Buffer) => parseEventLine(b).ok),
    count('validateEvent(object)', parsed, (v: unknown) => validateEvent(v).ok),
  ],
  ROUNDS,
);

console.log(
  `validate ${COUNT.toLocaleString('en-US')} mixed events (${(INVALID_SHARE * 100).toFixed(0)}% invalid, ` +
    `${avgBytes.toFixed(0)} B/line avg), median of ${ROUNDS} rounds, one core, node ${process.version}`,
);
printTable('lines/s', results, 'JSON.parse (reference)');

const GOAL = 1_000_000;
console.log('\nvalid events/s (goal >= 1,000,000/s on one core):');
for (const r of results.slice(1)) {
  const perSecond = ((validSeen.get(r.name) ?? 0) / r.medianMs) * 1000;
  console.log(
    `  ${r.name.padEnd(24)} ${formatRate(perSecond).padStart(14)}  ${perSecond >= GOAL ? 'met' : 'not met'}`,
  );
}
const floor = results[0]!.itemsPerSecond;
if (floor < GOAL) {
  console.log(
    `\nJSON.parse alone handles ${formatRate(floor)} here, so any path that parses text is bound below the goal by parsing, not validation.`,
  );
}
