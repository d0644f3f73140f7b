/**
 * Signed counters per byte-string key (a user_id or session_id as its UTF-8 bytes), in
 * typed arrays: an open-addressing table over an arena of the keys' bytes, so counting a
 * key makes no string and no object. `width` counters an entry, in {@link counts} from
 * `entry * width`.
 */
export class KeyCounts {
  readonly width: number;
  /**
   * Two words a slot: the key's hash, then its entry number + 1 (0 is empty), so a probe
   * reads one place of memory until the hashes match.
   */
  #slots: Int32Array;
  #shift: number;
  /** Three words an entry: where its key starts and ends in the arena, and its hash. */
  #meta: Int32Array;
  #capacity: number;
  #counts: Int32Array;
  #arena: Buffer;
  #arenaAt = 0;
  #size = 0;

  constructor(width: number, entries = 1024) {
    this.width = width;
    // A power of two entries, twice as many slots: at most half full.
    let bits = 4;
    while (1 << bits < entries) bits++;
    const capacity = 1 << bits;
    this.#capacity = capacity;
    this.#slots = new Int32Array(capacity * 4);
    this.#shift = 31 - bits;
    this.#meta = new Int32Array(capacity * 3);
    this.#counts = new Int32Array(capacity * width);
    this.#arena = Buffer.allocUnsafe(capacity * 24);
  }

  get size(): number {
    return this.#size;
  }

  /** The counters, `width` an entry; valid until the next {@link entry} adds a key. */
  get counts(): Int32Array {
    return this.#counts;
  }

  /**
   * The entry of the key `src[start, end)` whose {@link bytesHash} is `hash`, added with
   * zero counters if it is new.
   */
  entry(src: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    const n = end - start;
    // Fibonacci hashing: the top bits, as the low bits of `hash` also pick its bucket.
    for (let s = Math.imul(hash, 0x9e3779b1) >>> this.#shift; ; s = (s + 1) & mask) {
      const e = slots[2 * s + 1]! - 1;
      if (e < 0) return this.#add(s, src, start, end, hash);
      if (slots[2 * s] !== hash) continue;
      const at = this.#meta[3 * e]!;
      if (this.#meta[3 * e + 1]! - at !== n) continue;
      const arena = this.#arena;
      let i = 0;
      while (i < n && arena[at + i] === src[start + i]) i++;
      if (i === n) return e;
    }
  }

  #add(slot: number, src: Uint8Array, start: number, end: number, hash: number): number {
    const e = this.#size++;
    if (e === this.#capacity) this.#grow();
    const n = end - start;
    if (this.#arenaAt + n > this.#arena.length) {
      const arena = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#arenaAt + n));
      this.#arena.copy(arena, 0, 0, this.#arenaAt);
      this.#arena = arena;
    }
    const arena = this.#arena;
    let at = this.#arenaAt;
    const meta = this.#meta;
    meta[3 * e] = at;
    for (let i = start; i < end; i++) arena[at++] = src[i]!;
    meta[3 * e + 1] = at;
    meta[3 * e + 2] = hash;
    this.#arenaAt = at;
    if (this.#slots.length === this.#capacity * 4) {
      this.#slots[2 * slot] = hash;
      this.#slots[2 * slot + 1] = e + 1;
    } else this.#rehash();
    return e;
  }

  /** Doubles the entry arrays (the slots follow in #add). */
  #grow(): void {
    this.#capacity *= 2;
    const widen = (a: Int32Array, size: number) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.#meta = widen(this.#meta, this.#capacity * 3);
    this.#counts = widen(this.#counts, this.#capacity * this.width);
  }

  /** Slots for the doubled entry arrays: twice as many, filled again. */
  #rehash(): void {
    const count = this.#capacity * 2;
    const slots = new Int32Array(count * 2);
    const mask = count - 1;
    const shift = 32 - Math.log2(count);
    const meta = this.#meta;
    for (let e = 0; e < this.#size; e++) {
      const hash = meta[3 * e + 2]!;
      let s = Math.imul(hash, 0x9e3779b1) >>> shift;
      while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
      slots[2 * s] = hash;
      slots[2 * s + 1] = e + 1;
    }
    this.#slots = slots;
    this.#shift = shift;
  }

  /** The key bytes of an entry: `keyBytes()[keyStart(e), keyEnd(e))`. */
  keyBytes(): Buffer {
    return this.#arena;
  }

  keyStart(entry: number): number {
    return this.#meta[3 * entry]!;
  }

  keyEnd(entry: number): number {
    return this.#meta[3 * entry + 1]!;
  }

  hashOf(entry: number): number {
    return this.#meta[3 * entry + 2]!;
  }

  /** Empties the table, keeping its memory. */
  clear(): void {
    this.#slots.fill(0);
    this.#counts.fill(0, 0, this.#size * this.width);
    this.#size = 0;
    this.#arenaAt = 0;
  }
}

/** FNV-1a of `src[start, end)`, mixed: the hash a key's spill bucket and table slot come from. */
export function bytesHash(src: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src[i]!, 0x01000193);
  return h ^ (h >>> 15);
}
