import { createRequire } from 'node:module';

/**
 * The contract's tables for the compiled event-line scanner, by field number (the order
 * of `keys`); @shoplens/schemas builds them (eventScannerTables).
 */
export interface ScannerTables {
  readonly keys: readonly string[];
  /** One bit per field number. */
  readonly stringFields: number;
  readonly intFields: number;
  readonly minLen: readonly number[];
  readonly maxLen: readonly number[];
  readonly minInt: readonly number[];
  readonly maxInt: readonly number[];
  /** Event types by code, with the fields each requires and allows (bits). */
  readonly types: readonly string[];
  readonly required: readonly number[];
  readonly allowed: readonly number[];
  readonly itemRequired: number;
  readonly itemAllowed: number;
  readonly maxItems: number;
  readonly maxLineBytes: number;
  readonly countries: readonly string[];
  readonly devices: readonly string[];
}

/**
 * The event times of `count` ranges of `buf` at once: range i from `ranges[i * stride + at]`
 * to `ranges[i * stride + at + 1]` (an end below 0: no line, NaN), its time to `out[i]`.
 */
export type ScanTimes = (
  buf: Uint8Array,
  ranges: Float64Array,
  count: number,
  stride: number,
  at: number,
  out: Float64Array,
) => void;

/** What the compiled addon (libs/native/crate) exports. */
export interface NativeAddon {
  gzip(input: Buffer, level: number): Promise<Buffer>;
  gzipSync(input: Buffer, level: number): Buffer;
  gzipLines(lines: readonly Buffer[], level: number): Promise<Buffer>;
  /** Every gzip member of `input`, decompressed into `out`: the bytes written, or -1 if `out` is too small. */
  gunzipInto(input: Buffer, out: Buffer): Promise<number>;
  /** Which library compresses at `level`. */
  gzipEngine(level: number): 'isa-l' | 'libdeflate';
  EventScanner: new (tables: ScannerTables) => {
    /** The event time (epoch ms) of `line[start, end)` if the fast path accepts it, else NaN. */
    scanTime(line: Uint8Array, start: number, end: number): number;
    scanTimes: ScanTimes;
  };
}

/** Whether the addon is in use, and if not, why. */
export type NativeStatus =
  { readonly loaded: true } | { readonly loaded: false; readonly reason: string };

const require = createRequire(import.meta.url);
/**
 * Resolved through the package's own exports, so that a bundle that inlines this module
 * (dist/apps/*) finds the addon in the workspace package, as the sources do.
 */
const ADDON_PATH = '@shoplens/native/addon';

function load(): { addon: NativeAddon | undefined; status: NativeStatus } {
  const setting = process.env['SHOPLENS_NATIVE'];
  if (setting === 'off')
    return { addon: undefined, status: { loaded: false, reason: 'SHOPLENS_NATIVE=off' } };
  try {
    return { addon: require(ADDON_PATH) as NativeAddon, status: { loaded: true } };
  } catch (err) {
    const reason = `the addon is not built (npx nx run @shoplens/native:build-addon): ${(err as Error).message.split('\n')[0]}`;
    if (setting === 'required') throw new Error(`SHOPLENS_NATIVE=required, but ${reason}`);
    return { addon: undefined, status: { loaded: false, reason } };
  }
}

let loaded: ReturnType<typeof load> | undefined;

/**
 * The compiled addon, loaded on first use, or undefined when it is not built or
 * SHOPLENS_NATIVE=off; SHOPLENS_NATIVE=required makes a missing addon an error.
 */
export function nativeAddon(): NativeAddon | undefined {
  return (loaded ??= load()).addon;
}

/** For an app's start-up line: which implementation its hot paths run. */
export function nativeStatus(): NativeStatus {
  return (loaded ??= load()).status;
}
