import { expect, it } from "vitest";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { buildPacket, TcpFlags } from "../../src/wire/index.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, judgeCapture, LOSS_WARNINGS, RST_WARNING } from "../helpers/tshark.js";
import { CLIENT, conversation, SERVER } from "./packets.js";

/** The capture's bytes: the helper takes them as readily as a path. */
async function capture(packets: Uint8Array[]): Promise<Uint8Array> {
  const sink = new MemorySink();
  const writer = new PcapngWriter(sink);
  packets.forEach((data, i) => writer.writePacket({ timestampMs: 1000 + i, data }));
  await writer.close();
  return sink.bytes();
}

const names = (file: Uint8Array, allow: string[] = []) => judgeCapture(file, allow).map((f) => `${f.frame} ${f.name}`);

describeWith(["tshark"], "the tshark judge helper (test/helpers/tshark.ts)", () => {
  it("finds nothing in a clean exchange", async () => {
    const file = await capture(conversation());
    expect(judgeCapture(file)).toEqual([]);
    assertCleanCapture(file);
  });

  it("names a bad TCP checksum, and no allow-list entry for loss hides it", async () => {
    const packets = conversation();
    packets[4][packets[4].length - 1] ^= 0x01; // one payload bit, after the checksum was computed
    const file = await capture(packets);
    expect(names(file, [...LOSS_WARNINGS, RST_WARNING])).toContain("5 tcp.checksum.status");
    expect(() => assertCleanCapture(file, [...LOSS_WARNINGS])).toThrow(/frame 5: tcp\.checksum/);
  });

  it("forgives a peer's TCP checksum of 0xffff for 0x0000 (Linux's mangled zero), never one of ours", async () => {
    // A request whose checksum comes out 0x0000: its first two payload bytes cancel the rest of the sum.
    const fields = { src: CLIENT, dst: SERVER, srcPort: 40000, dstPort: 80, seq: 1, ack: 1, window: 65535 };
    const payload = new TextEncoder().encode("\0\0hello\n");
    const first = buildPacket({ ...fields, flags: TcpFlags.ACK | TcpFlags.PSH, payload });
    const checksumAt = 20 + 16;
    payload[0] = first[checksumAt];
    payload[1] = first[checksumAt + 1];
    const zero = buildPacket({ ...fields, flags: TcpFlags.ACK | TcpFlags.PSH, payload });
    expect([zero[checksumAt], zero[checksumAt + 1]]).toEqual([0, 0]);
    zero[checksumAt] = 0xff;
    zero[checksumAt + 1] = 0xff;
    const judged = async (direction: "inbound" | "outbound") => {
      const sink = new MemorySink();
      const writer = new PcapngWriter(sink);
      writer.writePacket({ timestampMs: 1000, data: zero, direction });
      await writer.close();
      return names(sink.bytes());
    };
    expect(await judged("inbound")).toEqual([]);
    expect(await judged("outbound")).toContain("1 tcp.checksum.ffff");
  });

  it("names the warnings of a lost segment, which the loss allow-list accepts", async () => {
    const packets = conversation();
    const file = await capture([...packets.slice(0, 3), ...packets.slice(4)]); // the request is lost
    const found = judgeCapture(file);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => (LOSS_WARNINGS as readonly string[]).includes(f.name))).toBe(true);
    expect(judgeCapture(file, [...LOSS_WARNINGS])).toEqual([]);
  });

  it("leaves a retransmission alone: Wireshark rates it a note, below the judge's threshold", async () => {
    const packets = conversation();
    const file = await capture([...packets.slice(0, 5), packets[4].slice(), ...packets.slice(5)]);
    expect(judgeCapture(file)).toEqual([]);
  });

  it("names a reset, allowed only when listed", async () => {
    const rst = buildPacket({
      src: SERVER,
      dst: CLIENT,
      srcPort: 80,
      dstPort: 40000,
      seq: 0,
      ack: 1001,
      flags: TcpFlags.RST | TcpFlags.ACK,
      window: 0,
    });
    const file = await capture([conversation()[0], rst]);
    expect(names(file)).toEqual(["2 tcp.connection.rst"]);
    expect(judgeCapture(file, [RST_WARNING])).toEqual([]);
  });

  it("names a malformed packet", async () => {
    const cut = conversation()[4].slice(0, 30); // IP says 340 bytes, TCP header cut short
    const file = await capture([cut]);
    const found = judgeCapture(file, [...LOSS_WARNINGS, RST_WARNING]);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.frame === 1 && f.name !== "unexplained")).toBe(true);
  });
});
