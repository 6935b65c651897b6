/**
 * Test packets for the capture tests: valid IPv4/TCP with correct checksums, so Wireshark's checksum
 * check passes. A stand-in for the wire core's `buildPacket` until it lands; same field names.
 */
export interface TestPacket {
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Uint8Array;
}

export const SYN = 0x02;
export const ACK = 0x10;
export const PSH = 0x08;
export const FIN = 0x01;

export const CLIENT = 0x0a000001; // 10.0.0.1
export const SERVER = 0x0a000002; // 10.0.0.2

function checksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (bytes[i] << 8) | (i + 1 < end ? bytes[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function tcpPacket(p: TestPacket): Uint8Array {
  const payload = p.payload ?? new Uint8Array(0);
  const total = 40 + payload.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint8(0, 0x45);
  v.setUint16(2, total);
  v.setUint16(6, 0x4000); // DF
  v.setUint8(8, 64);
  v.setUint8(9, 6);
  v.setUint32(12, p.src);
  v.setUint32(16, p.dst);
  v.setUint16(10, ~checksum(out, 0, 20) & 0xffff);
  v.setUint16(20, p.srcPort);
  v.setUint16(22, p.dstPort);
  v.setUint32(24, p.seq >>> 0);
  v.setUint32(28, (p.ack ?? 0) >>> 0);
  v.setUint8(32, 5 << 4);
  v.setUint8(33, p.flags);
  v.setUint16(34, p.window ?? 65535);
  out.set(payload, 40);
  const pseudo = (p.src >>> 16) + (p.src & 0xffff) + (p.dst >>> 16) + (p.dst & 0xffff) + 6 + (total - 20);
  v.setUint16(36, ~checksum(out, 20, total, pseudo) & 0xffff);
  return out;
}

/** A complete, clean exchange: handshake, one request, one response, close. */
export function conversation(payloadBytes = 100): Uint8Array[] {
  const c = { src: CLIENT, dst: SERVER, srcPort: 40000, dstPort: 80 };
  const s = { src: SERVER, dst: CLIENT, srcPort: 80, dstPort: 40000 };
  const request = new TextEncoder().encode("hello\n");
  const response = new Uint8Array(payloadBytes).map((_, i) => i & 0xff);
  const ci = 1000;
  const si = 5000;
  return [
    tcpPacket({ ...c, seq: ci, flags: SYN }),
    tcpPacket({ ...s, seq: si, ack: ci + 1, flags: SYN | ACK }),
    tcpPacket({ ...c, seq: ci + 1, ack: si + 1, flags: ACK }),
    tcpPacket({ ...c, seq: ci + 1, ack: si + 1, flags: PSH | ACK, payload: request }),
    tcpPacket({ ...s, seq: si + 1, ack: ci + 1 + request.length, flags: PSH | ACK, payload: response }),
    tcpPacket({ ...c, seq: ci + 1 + request.length, ack: si + 1 + payloadBytes, flags: FIN | ACK }),
    tcpPacket({ ...s, seq: si + 1 + payloadBytes, ack: ci + 2 + request.length, flags: FIN | ACK }),
    tcpPacket({ ...c, seq: ci + 2 + request.length, ack: si + 2 + payloadBytes, flags: ACK }),
  ];
}
