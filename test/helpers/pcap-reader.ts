/**
 * A tiny classic-pcap reader for tests (both byte orders, microsecond and nanosecond magics). It returns
 * the link type and each record's bytes as a view into the file; it does not interpret the packets.
 */
export interface PcapRecord {
  /** Capture time in nanoseconds since the epoch, as a bigint (ns files keep every digit). */
  timeNs: bigint;
  originalLength: number;
  data: Uint8Array;
}

export interface PcapFile {
  linkType: number;
  snapLength: number;
  records: PcapRecord[];
}

export function readPcap(input: Uint8Array): PcapFile {
  // A plain Uint8Array view even when given a Node Buffer, whose slice() would not copy.
  const file = new Uint8Array(input.buffer, input.byteOffset, input.length);
  if (file.length < 24) throw new Error(`not a pcap file: ${file.length} bytes`);
  const view = new DataView(file.buffer, file.byteOffset, file.length);
  const magic = view.getUint32(0, false);
  const known: Record<number, [boolean, bigint]> = {
    2712847316: [false, 1000n],
    3569595041: [true, 1000n],
    2712812621: [false, 1n],
    1295823521: [true, 1n],
  };
  const kind = known[magic];
  if (kind === undefined) throw new Error(`not a classic pcap file: magic 0x${magic.toString(16)}`);
  const [le, fractionNs] = kind;
  const records: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const seconds = BigInt(view.getUint32(at, le));
    const fraction = BigInt(view.getUint32(at + 4, le));
    const included = view.getUint32(at + 8, le);
    const originalLength = view.getUint32(at + 12, le);
    if (at + 16 + included > file.length) throw new Error(`pcap record at byte ${at} runs past the end`);
    records.push({
      timeNs: seconds * 1_000_000_000n + fraction * fractionNs,
      originalLength,
      data: file.subarray(at + 16, at + 16 + included),
    });
    at += 16 + included;
  }
  if (at !== file.length) throw new Error(`pcap file has ${file.length - at} trailing bytes`);
  return { linkType: view.getUint32(20, le), snapLength: view.getUint32(16, le), records };
}
