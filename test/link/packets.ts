/**
 * Bytes that pass a link's IPv4 sanity check (version 4, 20+ bytes) and carry a number to recognise them
 * by. Links do not parse further, so no checksum is needed.
 */
export function ipv4Like(id: number, size = 60): Uint8Array {
  const p = new Uint8Array(size);
  p[0] = 0x45;
  new DataView(p.buffer).setUint32(12, id);
  for (let i = 20; i < size; i++) p[i] = (id + i) & 0xff;
  return p;
}

export const idOf = (p: Uint8Array): number => new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(12);

/** Resolves with the next `count` packets given to `link.onReceive`. */
export function nextPackets(
  link: { onReceive: ((p: Uint8Array) => void) | null },
  count: number,
): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  return new Promise((resolve) => {
    link.onReceive = (p) => {
      got.push(p);
      if (got.length === count) resolve(got);
    };
  });
}
