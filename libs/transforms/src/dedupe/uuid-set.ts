const EMPTY = 0;
/** Linear probing stays short up to 3/4 full; lower would double the memory of a big day. */
const MAX_LOAD = 0.75;
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/**
 * Parses a UUID (either case) into its 128 bits as four signed 32-bit words, big-endian:
 * the key {@link UuidSet} stores. Returns false for what is not a UUID.
 */
export function parseUuid(s: string, key: Int32Array): boolean {
  if (s.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  let w = 0;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
      continue;
    }
    const v = c < 128 ? (HEX[c] as number) : -1;
    if (v < 0) return false;
    // Signed 32-bit words stay small integers for V8; `>>> 0` would box them.
    word = (word << 4) | v;
    if (++nibbles === 8) {
      key[w++] = word;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

/** The bucket (of `buckets`) of a parsed UUID: a hash independent of the set's own slots. */
export function uuidBucket(key: Int32Array, buckets: number): number {
  let h = Math.imul(key[3]! ^ 0x5bd1e995, 0xcc9e2d51) ^ key[1]!;
  h = Math.imul(h ^ (h >>> 15), 0x1b873593) ^ key[2]!;
  h = Math.imul(h ^ (h >>> 13), 0xe6546b64) ^ key[0]!;
  h ^= h >>> 16;
  return (h >>> 0) % buckets;
}

export interface UuidSetSnapshot {
  readonly words: Int32Array;
  readonly used: Uint8Array;
  readonly size: number;
}

/**
 * An exact set of UUIDs (the dedup key of events) in typed arrays: 16 bytes an entry
 * instead of a ~90-byte string in a `Set`: a day of 10 M events takes ~280 MB, not ~1 GB.
 * Keys are the 128 bits of the UUID, case-insensitive, so no two UUIDs ever collide.
 */
export class UuidSet {
  #words: Int32Array;
  #used: Uint8Array;
  #mask: number;
  #size = 0;
  readonly #key = new Int32Array(4);

  constructor(capacity = 1024, options: { readonly shared?: boolean } = {}) {
    let slots = 16;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    // Shared memory: worker threads read one copy of a large set (fixed size: no growing
    // past `capacity` is expected, though it still works, into private memory).
    this.#words = options.shared
      ? new Int32Array(new SharedArrayBuffer(slots * 16))
      : new Int32Array(slots * 4);
    this.#used = options.shared
      ? new Uint8Array(new SharedArrayBuffer(slots))
      : new Uint8Array(slots);
    this.#mask = slots - 1;
  }

  /**
   * The members as packed 16-byte keys, the UUIDs' own bytes (big-endian), in table
   * order: the compact form of an id index.
   */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.#size * 16);
    const view = new DataView(out.buffer);
    let at = 0;
    for (let slot = 0; slot < this.#used.length; slot++) {
      if (this.#used[slot] === EMPTY) continue;
      const o = slot * 4;
      view.setInt32(at, this.#words[o]!);
      view.setInt32(at + 4, this.#words[o + 1]!);
      view.setInt32(at + 8, this.#words[o + 2]!);
      view.setInt32(at + 12, this.#words[o + 3]!);
      at += 16;
    }
    return out;
  }

  /** Adds packed 16-byte keys (as {@link toBytes} writes them); returns how many were new. */
  addBytes(bytes: Uint8Array): number {
    if (bytes.length % 16 !== 0)
      throw new TypeError(`packed UUIDs are 16 bytes each, got ${bytes.length} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const key = new Int32Array(4);
    let added = 0;
    for (let at = 0; at < bytes.length; at += 16) {
      key[0] = view.getInt32(at);
      key[1] = view.getInt32(at + 4);
      key[2] = view.getInt32(at + 8);
      key[3] = view.getInt32(at + 12);
      if (this.#size + 1 > this.#used.length * MAX_LOAD) this.#grow();
      if (this.#insert(key)) added++;
    }
    return added;
  }

  /** The set's memory, for another thread (structured clone or transfer). */
  toSnapshot(): UuidSetSnapshot {
    return { words: this.#words, used: this.#used, size: this.#size };
  }

  /** A set from {@link toSnapshot}'s output; the arrays are taken over, not copied. */
  static fromSnapshot(snapshot: UuidSetSnapshot): UuidSet {
    const set = new UuidSet(0);
    set.#words = snapshot.words;
    set.#used = snapshot.used;
    set.#mask = snapshot.used.length - 1;
    set.#size = snapshot.size;
    return set;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds a UUID; returns false if it was already present. Throws on a non-UUID. */
  add(uuid: string): boolean {
    if (!this.#parse(uuid)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
    if (this.#size + 1 > this.#used.length * MAX_LOAD) this.#grow();
    return this.#insert(this.#key);
  }

  /** Adds a parsed UUID (see parseUuid); returns false if it was already present. */
  addKey(key: Int32Array): boolean {
    if (this.#size + 1 > this.#used.length * MAX_LOAD) this.#grow();
    return this.#insert(key);
  }

  hasKey(key: Int32Array): boolean {
    return this.#find(key) >= 0;
  }

  has(uuid: string): boolean {
    if (!this.#parse(uuid)) return false;
    return this.#find(this.#key) >= 0;
  }

  /** Adds every member of `other`. */
  addAll(other: UuidSet): void {
    // Size the table first, at least as large as `other`'s: inserting another table's
    // slots in order into a smaller one packs them into long runs, and linear probing
    // through those runs turns the merge quadratic.
    while (
      this.#size + other.#size > this.#used.length * MAX_LOAD ||
      this.#used.length < other.#used.length
    ) {
      this.#grow();
    }
    const words = other.#words;
    const key = new Int32Array(4);
    for (let slot = 0; slot < other.#used.length; slot++) {
      if (other.#used[slot] === EMPTY) continue;
      const o = slot * 4;
      key[0] = words[o]!;
      key[1] = words[o + 1]!;
      key[2] = words[o + 2]!;
      key[3] = words[o + 3]!;
      if (this.#size + 1 > this.#used.length * MAX_LOAD) this.#grow();
      this.#insert(key);
    }
  }

  /** How many members of this set none of `others` holds. */
  countNotIn(others: readonly UuidSet[]): number {
    if (others.length === 0) return this.#size;
    let n = 0;
    this.#eachKey((key) => {
      if (!others.some((o) => o.#find(key) >= 0)) n++;
    });
    return n;
  }

  /** {@link toBytes} of the members none of `others` holds. */
  toBytesNotIn(others: readonly UuidSet[]): Uint8Array {
    if (others.length === 0) return this.toBytes();
    const out = new Uint8Array(this.countNotIn(others) * 16);
    const view = new DataView(out.buffer);
    let at = 0;
    this.#eachKey((key) => {
      if (others.some((o) => o.#find(key) >= 0)) return;
      view.setInt32(at, key[0]!);
      view.setInt32(at + 4, key[1]!);
      view.setInt32(at + 8, key[2]!);
      view.setInt32(at + 12, key[3]!);
      at += 16;
    });
    return out;
  }

  #eachKey(f: (key: Int32Array) => void): void {
    const words = this.#words;
    const key = new Int32Array(4);
    for (let slot = 0; slot < this.#used.length; slot++) {
      if (this.#used[slot] === EMPTY) continue;
      const o = slot * 4;
      key[0] = words[o]!;
      key[1] = words[o + 1]!;
      key[2] = words[o + 2]!;
      key[3] = words[o + 3]!;
      f(key);
    }
  }

  /** The members of this set that `other` holds too, as a new set. */
  intersection(other: UuidSet): UuidSet {
    const [small, large] = this.#size <= other.#size ? [this, other] : [other, this];
    const out = new UuidSet(0);
    const words = small.#words;
    const key = new Int32Array(4);
    for (let slot = 0; slot < small.#used.length; slot++) {
      if (small.#used[slot] === EMPTY) continue;
      const o = slot * 4;
      key[0] = words[o]!;
      key[1] = words[o + 1]!;
      key[2] = words[o + 2]!;
      key[3] = words[o + 3]!;
      if (large.#find(key) < 0) continue;
      if (out.#size + 1 > out.#used.length * MAX_LOAD) out.#grow();
      out.#insert(key);
    }
    return out;
  }

  #parse(s: string): boolean {
    return parseUuid(s, this.#key);
  }

  #slotOf(key: Int32Array): number {
    // The random bits of a v4 UUID hash well; mixing keeps other versions spread too.
    let h = key[0]! ^ Math.imul(key[1]!, 0x9e3779b1) ^ Math.imul(key[2]!, 0x85ebca6b) ^ key[3]!;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h & this.#mask;
  }

  #find(key: Int32Array): number {
    const words = this.#words;
    for (let slot = this.#slotOf(key); ; slot = (slot + 1) & this.#mask) {
      if (this.#used[slot] === EMPTY) return -1;
      const o = slot * 4;
      if (
        words[o] === key[0] &&
        words[o + 1] === key[1] &&
        words[o + 2] === key[2] &&
        words[o + 3] === key[3]
      ) {
        return slot;
      }
    }
  }

  #insert(key: Int32Array): boolean {
    const words = this.#words;
    for (let slot = this.#slotOf(key); ; slot = (slot + 1) & this.#mask) {
      const o = slot * 4;
      if (this.#used[slot] === EMPTY) {
        this.#used[slot] = 1;
        words[o] = key[0]!;
        words[o + 1] = key[1]!;
        words[o + 2] = key[2]!;
        words[o + 3] = key[3]!;
        this.#size++;
        return true;
      }
      if (
        words[o] === key[0] &&
        words[o + 1] === key[1] &&
        words[o + 2] === key[2] &&
        words[o + 3] === key[3]
      ) {
        return false;
      }
    }
  }

  #grow(): void {
    const oldWords = this.#words;
    const oldUsed = this.#used;
    const slots = oldUsed.length * 2;
    this.#words = new Int32Array(slots * 4);
    this.#used = new Uint8Array(slots);
    this.#mask = slots - 1;
    this.#size = 0;
    const key = new Int32Array(4);
    for (let slot = 0; slot < oldUsed.length; slot++) {
      if (oldUsed[slot] === EMPTY) continue;
      const o = slot * 4;
      key[0] = oldWords[o]!;
      key[1] = oldWords[o + 1]!;
      key[2] = oldWords[o + 2]!;
      key[3] = oldWords[o + 3]!;
      this.#insert(key);
    }
  }
}
