/**
 * Memory for large Kafka responses, reused once their reader is done with them.
 *
 * Every new buffer's memory counts towards V8's next full garbage collection, and a
 * member reading a few MiB a fetch started one every 5 to 10 MiB: 40 to 50 a million
 * records. A response comes from here (`take`); whoever keeps views of it for later
 * `retain`s it, and `release`s it when those views are gone. When every retain is released
 * the memory goes back for the next response. Memory nobody retained is never reused: it is
 * collected as any buffer is, so a reader that knows nothing of the pool stays safe.
 */
export class ResponsePool {
  /** Lent memory and how many holders it has. */
  private readonly lent = new WeakMap<ArrayBufferLike, number>();
  private readonly free: ArrayBuffer[] = [];
  private freeBytes = 0;

  constructor(
    /** Responses smaller than this get memory of their own. */
    readonly minBytes = 16 * 1024,
    /** The most memory kept for reuse. */
    readonly maxFreeBytes = 64 * 1024 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes, its memory reused when it can be. */
  take(size: number): Buffer {
    if (size < this.minBytes) return Buffer.allocUnsafeSlow(size);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const n = this.free[i]!.byteLength;
      if (n >= size && (best < 0 || n < this.free[best]!.byteLength)) best = i;
    }
    let memory: ArrayBuffer;
    if (best >= 0) {
      memory = this.free[best]!;
      this.free[best] = this.free[this.free.length - 1]!;
      this.free.pop();
      this.freeBytes -= memory.byteLength;
    } else {
      // Sizes rounded up to a power of two, so that memory fits the responses after it.
      memory = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(size))).buffer as ArrayBuffer;
    }
    this.lent.set(memory, 0);
    return Buffer.from(memory, 0, size);
  }

  /** `view` is in use until `release(view)`: its memory is not lent again before. */
  retain(view: ArrayBufferView): void {
    const refs = this.lent.get(view.buffer);
    if (refs !== undefined) this.lent.set(view.buffer, refs + 1);
  }

  /** Ends one `retain`; the memory of the last one goes back for reuse. */
  release(view: ArrayBufferView): void {
    const memory = view.buffer;
    const refs = this.lent.get(memory);
    if (refs === undefined || refs === 0) return;
    if (refs > 1) {
      this.lent.set(memory, refs - 1);
      return;
    }
    this.lent.delete(memory);
    if (this.freeBytes + memory.byteLength > this.maxFreeBytes) return;
    this.free.push(memory as ArrayBuffer);
    this.freeBytes += memory.byteLength;
  }

  /** Memory held for reuse, in bytes. */
  get heldBytes(): number {
    return this.freeBytes;
  }
}

/** The pool the Kafka clients of @shoplens/runtime read their responses into. */
export const responsePool = new ResponsePool();
