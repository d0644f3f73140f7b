/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes
 * PractRand, and needs only 32-bit integer operations, which V8 keeps unboxed. Seeded
 * through splitmix32 so nearby seeds give unrelated streams.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniform unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** A uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Geometric count >= 0 with the given mean. */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    const p = 1 / (mean + 1);
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** A new generator whose stream depends on this one's next outputs only. */
  fork(): Random {
    return new Random(this.uint32() ^ Math.imul(this.uint32(), 0x27d4eb2d));
  }
}

const HEX_DIGITS = '0123456789abcdef';
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(n: number): string {
  return HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
}

/** An RFC 4122 version-4 UUID drawn from `random`. */
export function randomUuid(random: Random): string {
  const a = random.uint32();
  const b = random.uint32();
  const c = random.uint32();
  const d = random.uint32();
  return (
    hex32(a) +
    '-' +
    HEX[b >>> 24]! +
    HEX[(b >>> 16) & 255]! +
    '-4' +
    HEX_DIGITS[(b >>> 8) & 15]! +
    HEX[b & 255]! +
    '-' +
    HEX[((c >>> 24) & 0x3f) | 0x80]! +
    HEX[(c >>> 16) & 255]! +
    '-' +
    HEX[(c >>> 8) & 255]! +
    HEX[c & 255]! +
    hex32(d)
  );
}

/** 8 hex digits naming a run, so ids of runs with different seeds never collide. */
export function runTag(seed: number): string {
  return hex32(new Random(seed ^ 0x5bd1e995).uint32());
}
