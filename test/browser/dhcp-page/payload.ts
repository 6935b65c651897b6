/** The file the server worker serves: 1 MiB of a pattern the test recomputes in Node. */
export function payload(size = 1 << 20): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >>> 10)) & 0xff;
  return b;
}
