import { LruCache } from '../cache/lru-cache.js';

/** Longer than any IANA name (the longest is 32 characters); longer input is refused unread. */
const MAX_NAME = 64;

/**
 * Names ICU (and so V8's Intl up to Node 22) resolves to an older CLDR spelling where the
 * IANA database has since made another name primary. Mapped here so that a day loaded
 * as `Asia/Kolkata` keeps that name whichever Node version runs, and whichever of the
 * two spellings a user typed.
 */
const IANA_PRIMARY: Readonly<Record<string, string>> = Object.freeze({
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
});

// Resolving a name builds an Intl formatter, which costs more than serving a cached API
// response; spellings seen are remembered, in a bounded cache since anyone can send one.
const resolved = new LruCache<string, string | null>(512);

function resolve(name: string): string | null {
  if (name.length === 0 || name.length > MAX_NAME) return null;
  let zone: string;
  try {
    zone = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return IANA_PRIMARY[zone] ?? zone;
}

/**
 * The canonical IANA name of a time zone in any spelling Intl accepts (`europe/berlin`
 * → `Europe/Berlin`, `Etc/UTC`, `GMT` and `utc` → `UTC`, `US/Eastern` →
 * `America/New_York`), or undefined when it is not a time zone. Data keyed by zone is
 * keyed by this name only, so one zone is one key.
 */
export function canonicalTimeZone(name: string): string | undefined {
  return resolved.getOrSet(name, resolve) ?? undefined;
}
