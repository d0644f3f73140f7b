const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BOM = [0xef, 0xbb, 0xbf] as const;

function hasBom(bytes: Uint8Array): boolean {
  return bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}

/**
 * One JSON Lines line for the JSON text in `bytes`: the bytes themselves when they hold no
 * line break and no byte-order mark, else the same text with the mark dropped and the
 * whitespace between tokens removed. Inside a JSON string a raw CR or LF cannot occur
 * (it must be escaped), so every one outside is insignificant; the scan never re-parses
 * or re-serialises, so big numbers and deep nesting are kept exactly.
 */
export function compactJsonLine(bytes: Uint8Array): Uint8Array {
  const bom = hasBom(bytes);
  if (!bom && !bytes.includes(LF) && !bytes.includes(CR)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  let inString = false;
  for (let i = bom ? BOM.length : 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      out[n++] = b;
      if (b === BACKSLASH && i + 1 < bytes.length) out[n++] = bytes[++i]!;
      else if (b === QUOTE) inString = false;
    } else if (b !== SPACE && b !== TAB && b !== LF && b !== CR) {
      out[n++] = b;
      if (b === QUOTE) inString = true;
    }
  }
  return out.subarray(0, n);
}
