import { UUID_PATTERN } from '@shoplens/schemas';

const uuidPattern = new RegExp(UUID_PATTERN);

export function isUuid(text: string): boolean {
  return text.length === 36 && uuidPattern.test(text);
}

/** The 16 bytes of each namespace used, parsed once: ids are derived per event. */
const namespaceBytes = new Map<string, Buffer>();
/** Namespace, name and SHA-1's padding in one buffer; names up to 1 KB need no allocation. */
const scratch = Buffer.allocUnsafe(16 + 1024 + 72);
const words = new Int32Array(80);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function bytesOf(namespace: string): Buffer {
  let bytes = namespaceBytes.get(namespace);
  if (bytes === undefined) {
    bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (bytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
    namespaceBytes.set(namespace, bytes);
  }
  return bytes;
}

/**
 * RFC 9562 UUID version 5: SHA-1 of the namespace's 16 bytes and the name's UTF-8. The
 * SHA-1 is computed here (FIPS 180-4) rather than by node:crypto: for the one or two
 * blocks of an id, the call into the native hash costs more than the hash itself.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = bytesOf(namespace);
  let data = scratch;
  if (name.length * 3 > 1024) data = Buffer.allocUnsafe(16 + Buffer.byteLength(name) + 72);
  ns.copy(data, 0);
  const len = 16 + data.write(name, 16, 'utf8');
  // Padding: 0x80, zeros, the length in bits (big-endian 64-bit) at the end of a block.
  const blocks = ((len + 8) >>> 6) + 1;
  const end = blocks * 64;
  data[len] = 0x80;
  data.fill(0, len + 1, end - 4);
  data.writeUInt32BE((len * 8) >>> 0, end - 4);
  data.writeUInt32BE(Math.floor((len * 8) / 0x1_0000_0000), end - 8);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const w = words;
  for (let b = 0; b < end; b += 64) {
    for (let i = 0; i < 16; i++) {
      const o = b + 4 * i;
      w[i] = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let bb = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (bb & c) | (~bb & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = bb ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (bb & c) | (bb & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = bb ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (bb << 30) | (bb >>> 2);
      bb = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  // Version 5 in the high nibble of byte 6; the RFC variant (10xx) in the top of byte 8.
  const byte6 = (((h1 >>> 8) & 0x0f) | 0x50) & 0xff;
  const byte8 = (((h2 >>> 24) & 0x3f) | 0x80) & 0xff;
  return (
    HEX[h0 >>> 24]! +
    HEX[(h0 >>> 16) & 0xff]! +
    HEX[(h0 >>> 8) & 0xff]! +
    HEX[h0 & 0xff]! +
    '-' +
    HEX[h1 >>> 24]! +
    HEX[(h1 >>> 16) & 0xff]! +
    '-' +
    HEX[byte6]! +
    HEX[h1 & 0xff]! +
    '-' +
    HEX[byte8]! +
    HEX[(h2 >>> 16) & 0xff]! +
    '-' +
    HEX[(h2 >>> 8) & 0xff]! +
    HEX[h2 & 0xff]! +
    HEX[h3 >>> 24]! +
    HEX[(h3 >>> 16) & 0xff]! +
    HEX[(h3 >>> 8) & 0xff]! +
    HEX[h3 & 0xff]!
  );
}
