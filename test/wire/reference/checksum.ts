// Reference Internet checksum, written for clarity rather than speed (tests only): big-endian 16-bit words
// in a plain Number, folded at the end, exactly as RFC 1071 §4.1 describes.

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

export function refOnesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = 0;
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) sum += bytes[i] * 256 + bytes[i + 1];
  if (i < bytes.length) sum += bytes[i] * 256;
  return fold(fold(sum) + (initial >>> 0));
}

export function refInternetChecksum(bytes: Uint8Array, initial = 0): number {
  return 0xffff - refOnesComplementSum(bytes, initial);
}

export function refPseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint32(0, src);
  view.setUint32(4, dst);
  view.setUint8(9, protocol);
  view.setUint16(10, length);
  return refOnesComplementSum(header);
}

/** RFC 1624 eqn. 3 in one's complement 16-bit arithmetic. */
export function refChecksumUpdate(checksum: number, oldField: number, newField: number): number {
  return 0xffff - fold(0xffff - checksum + (0xffff - oldField) + newField);
}
