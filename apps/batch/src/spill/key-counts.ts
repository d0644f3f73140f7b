/**
 * Signed counters per byte-string key (a user_id or session_id as its UTF-8 bytes), in
 * typed arrays: an open-addressing table over an arena of the keys' bytes, so counting a
 * key makes no string and no object. `width` counters an entry, in {@link counts} from
 * `entry * width`.
 */
export class KeyCounts {
  readonly width: number;
  /** Entry number + 1 per slot; 0 is empty. */
  #slots: Int32Array;
  #shift: number;
  #hashes: Int32Array;
  #keyAt: Int32Array;
  #keyEnd: Int32Array;
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
    this.#slots = new Int32Array(capacity * 2);
    this.#shift = 31 - bits;
    this.#hashes = new Int32Array(capacity);
    this.#keyAt = new Int32Array(capacity);
    this.#keyEnd = new Int32Array(capacity);
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
    const mask = slots.length - 1;
    const n = end - start;
    // Fibonacci hashing: the top bits, as the low bits of `hash` also pick its bucket.
    for (let s = Math.imul(hash, 0x9e3779b1) >>> this.#shift; ; s = (s + 1) & mask) {
      const e = slots[s]! - 1;
      if (e < 0) return this.#add(s, src, start, end, hash);
      if (this.#hashes[e] !== hash) continue;
      const at = this.#keyAt[e]!;
      if (this.#keyEnd[e]! - at !== n) continue;
      const arena = this.#arena;
      let i = 0;
      while (i < n && arena[at + i] === src[start + i]) i++;
      if (i === n) return e;
    }
  }

  #add(slot: number, src: Uint8Array, start: number, end: number, hash: number): number {
    const e = this.#size++;
    if (e === this.#hashes.length) this.#grow();
    const n = end - start;
    if (this.#arenaAt + n > this.#arena.length) {
      const arena = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#arenaAt + n));
      this.#arena.copy(arena, 0, 0, this.#arenaAt);
      this.#arena = arena;
    }
    const arena = this.#arena;
    let at = this.#arenaAt;
    this.#keyAt[e] = at;
    for (let i = start; i < end; i++) arena[at++] = src[i]!;
    this.#keyEnd[e] = at;
    this.#arenaAt = at;
    this.#hashes[e] = hash;
    if (this.#slots.length === this.#hashes.length * 2) this.#slots[slot] = e + 1;
    else this.#rehash();
    return e;
  }

  /** Doubles the entry arrays (the slots follow in #add). */
  #grow(): void {
    const n = this.#hashes.length * 2;
    const widen = (a: Int32Array, size: number) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.#hashes = widen(this.#hashes, n);
    this.#keyAt = widen(this.#keyAt, n);
    this.#keyEnd = widen(this.#keyEnd, n);
    this.#counts = widen(this.#counts, n * this.width);
  }

  /** Slots for the doubled entry arrays: twice as many, filled again. */
  #rehash(): void {
    const slots = new Int32Array(this.#hashes.length * 2);
    const mask = slots.length - 1;
    const shift = 32 - Math.log2(slots.length);
    for (let e = 0; e < this.#size; e++) {
      let s = Math.imul(this.#hashes[e]!, 0x9e3779b1) >>> shift;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = e + 1;
    }
    this.#slots = slots;
    this.#shift = shift;
  }

  /** The key bytes of an entry: `keyBytes()[keyStart(e), keyEnd(e))`. */
  keyBytes(): Buffer {
    return this.#arena;
  }

  keyStart(entry: number): number {
    return this.#keyAt[entry]!;
  }

  keyEnd(entry: number): number {
    return this.#keyEnd[entry]!;
  }

  hashOf(entry: number): number {
    return this.#hashes[entry]!;
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
