import { parseArgs } from 'node:util';
import { SimulatorError } from './errors.js';
import type { CurrencyShare, FaultRates, SimulationOptions } from './lib/options.js';
import { DEFAULT_OPTIONS, resolveOptions } from './lib/options.js';
import { MS_PER_DAY, ZoneClock, isTimeZone } from './lib/time/zone-clock.js';
import {
  KAFKA_COMPRESSIONS,
  envBrokers,
  envLogLevel,
  isKafkaCompression,
  type KafkaCompression,
  type LogLevel,
} from '@shoplens/runtime';

export interface CliConfig {
  readonly help: boolean;
  readonly simulation: SimulationOptions;
  /** Records per second to pace emission at; undefined emits as fast as possible. */
  readonly rate: number | undefined;
  readonly output:
    | { readonly kind: 'file'; readonly path: string }
    | { readonly kind: 'kafka'; readonly brokers: readonly string[] };
  readonly truthPath: string | undefined;
  readonly topicPrefix: string;
  readonly compression: KafkaCompression;
  readonly batchSize: number;
  /** Producer threads for --kafka. */
  readonly producers: number;
  readonly progress: 'bar' | 'log';
  readonly logLevel: LogLevel;
}

export const HELP = `Usage: node dist/apps/simulator/main.js [options]
       npx nx run @shoplens/simulator:run --args="[options]"

Generates seeded shop traffic (event contract v1) with injected faults, to JSON Lines or
Kafka, and the exact KPIs a correct pipeline must compute from it. The same seed and
options give byte-identical output. See docs/simulator.md.

How much:
  --events N               records to emit, faults included (default ${DEFAULT_OPTIONS.events})
  --rate EPS --duration S  instead: emit EPS records per second for S seconds
  --seed N                 0 to 4294967295 (default ${DEFAULT_OPTIONS.seed})
  --start DATE|INSTANT     span start: YYYY-MM-DD (local midnight in --tz) or RFC 3339
                           (default 2026-03-02)
  --days N                 span length in local days (default ${DEFAULT_OPTIONS.days})
  --tz ZONE                IANA zone of the traffic curve and of the truth's days and hours
                           (default UTC)
Where:
  --out FILE | --out -     JSON Lines to FILE or stdout
  --kafka                  produce to Kafka (KAFKA_BROKERS), topics pageviews, cart, orders,
                           key = user_id, record timestamp = emission time
  --topic-prefix P         prepend P to every topic name (default none)
  --compression C          lz4 (default), zstd, snappy, gzip or none
  --batch-size N           records per produce request of one producer thread (default 5000)
  --producers N            producer threads, each sending its share of the partitions
                           (default 2)
  --truth FILE             write the ground truth (JSON) to FILE
Shop:
  --users N                shopper population (default events/40)
  --products N             catalog size, >= 10 (default ${DEFAULT_OPTIONS.products})
  --currencies LIST        shares of shoppers per currency (default USD:0.8,EUR:0.2)
  --cart-rate R            sessions that add to cart (default ${DEFAULT_OPTIONS.cartRate})
  --checkout-rate R        sessions that start checkout (default ${DEFAULT_OPTIONS.checkoutRate})
  --conversion R           sessions that purchase (default ${DEFAULT_OPTIONS.conversionRate})
  --refund-rate R          orders refunded 1-72 h later (default ${DEFAULT_OPTIONS.refundRate})
Faults (rates in [0, 1], all default 0):
  --duplicate-rate R       records that redeliver a recent record byte for byte
  --double-purchase-rate R purchases fired twice (same order_id, new event_id)
  --late-rate R            events delivered 1-6 h after their event_time
  --out-of-order-rate R    events delivered after the next event of their session
  --offset-rate R          event_time written with a non-UTC offset
  --invalid-rate R         invalid records, spread over every reason code
Other:
  --progress bar|log       progress display (default: bar on a terminal, else log lines)
  --help                   this text

Environment: KAFKA_BROKERS (host:port,…; needed by --kafka), LOG_LEVEL (default info).
Exit status: 0 done (also after SIGINT/SIGTERM, once accepted records are flushed),
2 bad options, 3 Kafka unreachable or failing, 1 anything else.`;

const flags = {
  help: { type: 'boolean' },
  events: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
  days: { type: 'string' },
  tz: { type: 'string' },
  out: { type: 'string' },
  kafka: { type: 'boolean' },
  'topic-prefix': { type: 'string' },
  compression: { type: 'string' },
  'batch-size': { type: 'string' },
  producers: { type: 'string' },
  truth: { type: 'string' },
  users: { type: 'string' },
  products: { type: 'string' },
  currencies: { type: 'string' },
  'cart-rate': { type: 'string' },
  'checkout-rate': { type: 'string' },
  conversion: { type: 'string' },
  'refund-rate': { type: 'string' },
  'duplicate-rate': { type: 'string' },
  'double-purchase-rate': { type: 'string' },
  'late-rate': { type: 'string' },
  'out-of-order-rate': { type: 'string' },
  'offset-rate': { type: 'string' },
  'invalid-rate': { type: 'string' },
  progress: { type: 'string' },
} as const;

function bad(message: string): SimulatorError {
  return new SimulatorError('BAD_USAGE', message);
}

function number(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replaceAll('_', ''));
  if (text.trim() === '' || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) {
    throw bad(`--${name} must be ${integer ? 'an integer' : 'a number'}, got "${text}"`);
  }
  return n;
}

function rate(name: string, text: string | undefined): number | undefined {
  const n = number(name, text, false);
  if (n !== undefined && !(n >= 0 && n <= 1))
    throw bad(`--${name} must be between 0 and 1, got ${text}`);
  return n;
}

function currencies(text: string | undefined): CurrencyShare[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => {
    const [code = '', weight = '1'] = part.trim().split(':');
    const w = Number(weight);
    if (!/^[A-Z]{3}$/.test(code) || !(w > 0))
      throw bad(`--currencies: "${part}" is not CODE:SHARE (e.g. USD:0.8)`);
    return { code, weight: w };
  });
}

/** `YYYY-MM-DD` is local midnight in `timeZone`; anything else must be an RFC 3339 instant. */
export function parseStart(text: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const wall = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(wall)) throw bad(`--start: no such date "${text}"`);
    return new ZoneClock(timeZone, wall - 2 * MS_PER_DAY, wall + 2 * MS_PER_DAY).instantOf(wall);
  }
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)
    ? Date.parse(text)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw bad(
      `--start must be YYYY-MM-DD or an RFC 3339 instant with Z or an offset, got "${text}"`,
    );
  return ms;
}

/** Reads the command line and the environment once; throws SimulatorError on anything wrong. */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stderrIsTty: boolean,
): CliConfig {
  let values: ReturnType<
    typeof parseArgs<{ options: typeof flags; strict: true; allowPositionals: false }>
  >['values'];
  try {
    values = parseArgs({
      args: [...argv],
      options: flags,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw bad((err as Error).message);
  }
  const logLevel = envLogLevel(env);
  const progress = values.progress ?? (stderrIsTty ? 'bar' : 'log');
  if (progress !== 'bar' && progress !== 'log')
    throw bad(`--progress must be bar or log, got "${progress}"`);
  const base = {
    help: true,
    rate: undefined,
    truthPath: undefined,
    topicPrefix: '',
    compression: 'lz4',
    batchSize: 5_000,
    producers: 2,
    progress,
    logLevel,
  } as const;
  if (values.help)
    return { ...base, simulation: DEFAULT_OPTIONS, output: { kind: 'file', path: '-' } };

  const timeZone = values.tz ?? 'UTC';
  if (!isTimeZone(timeZone))
    throw bad(`--tz: unknown time zone "${timeZone}"; use an IANA name such as Europe/Berlin`);

  let events = number('events', values.events, true);
  const eps = number('rate', values.rate, false);
  const duration = number('duration', values.duration, false);
  if ((eps === undefined) !== (duration === undefined))
    throw bad('--rate and --duration go together');
  if (eps !== undefined && events !== undefined)
    throw bad('give --events or --rate with --duration, not both');
  if (eps !== undefined && duration !== undefined) {
    if (!(eps > 0) || !(duration > 0)) throw bad('--rate and --duration must be positive');
    events = Math.max(1, Math.round(eps * duration));
  }

  if (values.kafka && values.out !== undefined) throw bad('give --out or --kafka, not both');
  if (!values.kafka && values.out === undefined)
    throw bad('say where records go: --out FILE, --out - (stdout) or --kafka');
  let output: CliConfig['output'];
  if (values.kafka) {
    const brokers = envBrokers(
      env,
      'KAFKA_BROKERS',
      '--kafka needs host:port of at least one broker (e.g. eval "$(npm run -s stack -- env)")',
    );
    output = { kind: 'kafka', brokers };
  } else {
    output = { kind: 'file', path: values.out! };
  }
  const compression = values.compression ?? 'lz4';
  if (!isKafkaCompression(compression))
    throw bad(`--compression must be one of ${KAFKA_COMPRESSIONS.join(', ')}`);
  const batchSize = number('batch-size', values['batch-size'], true) ?? 5_000;
  if (batchSize < 1) throw bad('--batch-size must be at least 1');
  const producers = number('producers', values.producers, true) ?? 2;
  if (producers < 1 || producers > 64) throw bad('--producers must be from 1 to 64');

  const faults: { -readonly [K in keyof FaultRates]?: number } = {};
  const set = (key: keyof FaultRates, flag: keyof typeof flags) => {
    const v = rate(flag, values[flag] as string | undefined);
    if (v !== undefined) faults[key] = v;
  };
  set('duplicateRate', 'duplicate-rate');
  set('doublePurchaseRate', 'double-purchase-rate');
  set('lateRate', 'late-rate');
  set('outOfOrderRate', 'out-of-order-rate');
  set('offsetRate', 'offset-rate');
  set('invalidRate', 'invalid-rate');

  const simulation: Partial<SimulationOptions> = {
    timeZone,
    faults: { ...DEFAULT_OPTIONS.faults, ...faults },
  };
  const assign = <K extends keyof SimulationOptions>(
    key: K,
    value: SimulationOptions[K] | undefined,
  ) => {
    if (value !== undefined) (simulation as Record<string, unknown>)[key] = value;
  };
  assign('events', events);
  assign('seed', number('seed', values.seed, true));
  assign('startMs', parseStart(values.start ?? '2026-03-02', timeZone));
  assign('days', number('days', values.days, true));
  assign('users', number('users', values.users, true));
  assign('products', number('products', values.products, true));
  assign('currencies', currencies(values.currencies));
  assign('cartRate', rate('cart-rate', values['cart-rate']));
  assign('checkoutRate', rate('checkout-rate', values['checkout-rate']));
  assign('conversionRate', rate('conversion', values.conversion));
  assign('refundRate', rate('refund-rate', values['refund-rate']));
  let resolved: SimulationOptions;
  try {
    resolved = resolveOptions(simulation);
  } catch (err) {
    throw bad((err as Error).message);
  }
  return Object.freeze({
    ...base,
    help: false,
    simulation: resolved,
    rate: eps,
    output: Object.freeze(output),
    truthPath: values.truth,
    topicPrefix: values['topic-prefix'] ?? '',
    compression,
    batchSize,
    producers,
  });
}
