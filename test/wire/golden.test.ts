import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeWith } from "../helpers/tools.js";
import { buildPacket, parsePacket, parseIpv4, TcpFlags, type PacketFields } from "../../src/wire/index.js";
import { rowOf, tsharkFields } from "./tshark-fields.js";

const { SYN, ACK, FIN, RST, PSH, URG, ECE, CWR } = TcpFlags;
const client = { src: parseIpv4("10.77.0.2"), dst: parseIpv4("10.77.0.1"), srcPort: 40000, dstPort: 8080 };
const server = { src: client.dst, dst: client.src, srcPort: 8080, dstPort: 40000 };
const text = (s: string) => new TextEncoder().encode(s);

const GOLDEN: PacketFields[] = [
  {
    ...client,
    seq: 0xfffffff0,
    flags: SYN | ECE | CWR,
    window: 64240,
    id: 1,
    ttl: 64,
    options: { mss: 1460, windowScale: 7, sackPermitted: true, timestamps: { tsval: 1000, tsecr: 0 } },
  },
  {
    ...server,
    seq: 7,
    ack: 0xfffffff1,
    flags: SYN | ACK | ECE,
    window: 65160,
    tos: 0x02,
    options: { mss: 1400, sackPermitted: true, windowScale: 14 },
  },
  {
    ...client,
    seq: 0xfffffff1,
    ack: 8,
    flags: ACK | PSH,
    window: 502,
    options: { timestamps: { tsval: 1001, tsecr: 5 } },
    payload: text("GET / HTTP/1.1\r\nHost: wirestate\r\n\r\n"),
  },
  {
    ...server,
    seq: 8,
    ack: 0x11,
    flags: ACK,
    window: 500,
    dontFragment: false,
    id: 0xbeef,
    options: {
      sackBlocks: [
        { left: 100, right: 200 },
        { left: 0xfffffff0, right: 0x10 },
        { left: 5, right: 6 },
        { left: 7, right: 8 },
      ],
    },
  },
  {
    ...client,
    seq: 0x11,
    ack: 8,
    flags: ACK | URG | PSH,
    urgent: 3,
    window: 1,
    payload: new Uint8Array(1448).map((_, i) => i),
  },
  { ...client, seq: 0x11, ack: 8, flags: FIN | ACK, window: 0 },
  { ...server, seq: 8, flags: RST, window: 0, ttl: 1 },
  { ...server, seq: 9, ack: 0x12, flags: ACK, window: 65535, options: { sackPermitted: true } },
];

describeWith(["tshark"], "golden packets cross-checked with Wireshark", () => {
  const dir = mkdtempSync(join(tmpdir(), "wire-golden-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tshark reads back the fields we built, with both checksums good", () => {
    const packets = GOLDEN.map((f) => buildPacket(f));
    // A minimal classic pcap (LINKTYPE_RAW): global header, then one record header per packet.
    const header = new DataView(new ArrayBuffer(24));
    header.setUint32(0, 0xa1b2c3d4, true);
    header.setUint16(4, 2, true);
    header.setUint16(6, 4, true);
    header.setUint32(16, 65535, true);
    header.setUint32(20, 101, true);
    const parts: Uint8Array[] = [new Uint8Array(header.buffer)];
    packets.forEach((p, i) => {
      const rec = new DataView(new ArrayBuffer(16));
      rec.setUint32(0, 1_700_000_000 + i, true);
      rec.setUint32(8, p.length, true);
      rec.setUint32(12, p.length, true);
      parts.push(new Uint8Array(rec.buffer), p);
    });
    const file = join(dir, "golden.pcap");
    writeFileSync(file, Buffer.concat(parts));

    const rows = tsharkFields(file);
    expect(rows.length).toBe(GOLDEN.length);
    packets.forEach((bytes, i) => {
      const p = parsePacket(bytes);
      if (!p.ok) throw new Error(p.reason);
      expect(rows[i]["ip.checksum.status"]).toBe("1");
      expect(rows[i]["tcp.checksum.status"]).toBe("1");
      expect({ packet: i, ...rows[i] }).toEqual({ packet: i, ...rowOf(p) });
      // And the parsed fields are the ones given to the builder, so tshark agrees with the input itself.
      const f = GOLDEN[i];
      expect([p.tcp.seq, p.tcp.ack, p.tcp.flags, p.tcp.window, p.tcp.urgent, p.ip.src, p.ip.dst]).toEqual([
        f.seq,
        f.ack ?? 0,
        f.flags,
        f.window,
        f.urgent ?? 0,
        f.src,
        f.dst,
      ]);
      expect(p.tcp.options).toEqual({ ...f.options });
    });
  });
});
