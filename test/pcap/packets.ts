import { buildPacket, parseIpv4, TcpFlags } from "../../src/wire/index.js";
import type { PacketFields } from "../../src/wire/index.js";

/** Test traffic for the capture tests, built by the wire core, so every checksum is what Wireshark expects. */

export const CLIENT = parseIpv4("10.0.0.1");
export const SERVER = parseIpv4("10.0.0.2");
const { SYN, ACK, PSH, FIN } = TcpFlags;

/** A full-sized data segment from client to server, sequence `n`. */
export function dataSegment(n: number, payload: Uint8Array): Uint8Array {
  return buildPacket({
    src: CLIENT,
    dst: SERVER,
    srcPort: 1,
    dstPort: 2,
    seq: n * payload.length,
    ack: 1,
    flags: ACK,
    window: 65535,
    payload,
  });
}

/**
 * A complete, clean exchange: handshake with options, one request, one response of `payloadBytes`, close.
 * Eight packets, alternating as a real peer would answer.
 */
export function conversation(payloadBytes = 100): Uint8Array[] {
  type Side = Pick<PacketFields, "src" | "dst" | "srcPort" | "dstPort">;
  const c: Side = { src: CLIENT, dst: SERVER, srcPort: 40000, dstPort: 80 };
  const s: Side = { src: SERVER, dst: CLIENT, srcPort: 80, dstPort: 40000 };
  const request = new TextEncoder().encode("hello\n");
  const response = new Uint8Array(payloadBytes).map((_, i) => i & 0xff);
  const ci = 1000;
  const si = 5000;
  const window = 65535;
  const synOptions = { mss: 1460, sackPermitted: true, windowScale: 7 };
  return [
    buildPacket({ ...c, seq: ci, flags: SYN, window, options: synOptions }),
    buildPacket({ ...s, seq: si, ack: ci + 1, flags: SYN | ACK, window, options: synOptions }),
    buildPacket({ ...c, seq: ci + 1, ack: si + 1, flags: ACK, window: 512 }),
    buildPacket({ ...c, seq: ci + 1, ack: si + 1, flags: PSH | ACK, window: 512, payload: request }),
    buildPacket({ ...s, seq: si + 1, ack: ci + 1 + request.length, flags: PSH | ACK, window: 512, payload: response }),
    buildPacket({ ...c, seq: ci + 1 + request.length, ack: si + 1 + payloadBytes, flags: FIN | ACK, window: 512 }),
    buildPacket({ ...s, seq: si + 1 + payloadBytes, ack: ci + 2 + request.length, flags: FIN | ACK, window: 512 }),
    buildPacket({ ...c, seq: ci + 2 + request.length, ack: si + 2 + payloadBytes, flags: ACK, window: 512 }),
  ];
}
