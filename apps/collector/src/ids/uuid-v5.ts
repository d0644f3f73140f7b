import { hash } from 'node:crypto';
import { UUID_PATTERN } from '@shoplens/schemas';

const uuidPattern = new RegExp(UUID_PATTERN);

export function isUuid(text: string): boolean {
  return text.length === 36 && uuidPattern.test(text);
}

/** The 16 bytes of each namespace used, parsed once: ids are derived per event. */
const namespaceBytes = new Map<string, Buffer>();
/** Namespace and name are hashed as one buffer; names up to its size need no allocation. */
const scratch = Buffer.allocUnsafe(16 + 1024);
const VARIANT = '89ab';

function bytesOf(namespace: string): Buffer {
  let bytes = namespaceBytes.get(namespace);
  if (bytes === undefined) {
    bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (bytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
    namespaceBytes.set(namespace, bytes);
  }
  return bytes;
}

/** RFC 9562 UUID version 5: SHA-1 of the namespace's 16 bytes and the name's UTF-8. */
export function uuidV5(name: string, namespace: string): string {
  const ns = bytesOf(namespace);
  let data: Buffer;
  if (name.length * 3 <= scratch.length - 16) {
    ns.copy(scratch, 0);
    data = scratch.subarray(0, 16 + scratch.write(name, 16, 'utf8'));
  } else {
    data = Buffer.concat([ns, Buffer.from(name, 'utf8')]);
  }
  const h = hash('sha1', data, 'hex');
  // Version 5 in the high nibble of byte 6; the RFC variant (10xx) in the top of byte 8.
  const variant = VARIANT[Number.parseInt(h[16]!, 16) & 0x3]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
