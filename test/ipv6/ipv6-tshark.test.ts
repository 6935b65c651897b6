/** Wireshark reads what the IPv6 builders emit (raw link type: IPv4 and IPv6 both), and catches a bad checksum. */
import { expect, it } from "vitest";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { fragmentIpv6 } from "../../src/fragments/ipv6-fragments.js";
import { TcpFlags, buildIcmp6Packet, buildPacket, buildUdp6Packet, parseIpv6 } from "../../src/wire/index.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, judgeCapture, tsharkFields } from "../helpers/tshark.js";

const A = parseIpv6("fd00::1");
const B = parseIpv6("fd00::2");
const R = parseIpv6("fd00:9::1");

async function capture(packets: Uint8Array[]): Promise<Uint8Array> {
  const sink = new MemorySink();
  const writer = new PcapngWriter(sink, { interfaceName: "ipv6" });
  packets.forEach((p, i) => writer.writePacket({ timestampMs: i, direction: "outbound", data: p }));
  await writer.close();
  return sink.bytes();
}

describeWith(["tshark"], "tshark and the IPv6 builders", () => {
  const ab = { src: A, dst: B };
  const tcp = buildPacket(
    {
      src: 0,
      dst: 0,
      srcPort: 40000,
      dstPort: 80,
      seq: 1,
      flags: TcpFlags.SYN,
      window: 65535,
      options: { mss: 1440, windowScale: 7, sackPermitted: true, timestamps: { tsval: 1, tsecr: 0 } },
    },
    ab,
  );
  const udp = buildUdp6Packet(
    { src: 0, dst: 0, srcPort: 5000, dstPort: 9999, payload: new Uint8Array(3000).fill(1) },
    ab,
  );
  const echo = buildIcmp6Packet(
    { src: 0, dst: 0, type: 128, code: 0, rest: 0xbeef0001, payload: new Uint8Array(56) },
    ab,
  );

  it("dissects TCP, UDP, echo, every ICMPv6 error and fragments with no complaint", async () => {
    const packets = [
      tcp,
      echo,
      buildIcmp6Packet(
        { src: 0, dst: 0, type: 129, code: 0, rest: 0xbeef0001, payload: new Uint8Array(56) },
        { src: B, dst: A },
      ),
      buildIcmp6Packet({ src: 0, dst: 0, type: 1, code: 4, rest: 0, payload: tcp }, { src: B, dst: A }),
      buildIcmp6Packet({ src: 0, dst: 0, type: 2, code: 0, rest: 1280, payload: tcp }, { src: R, dst: A }),
      buildIcmp6Packet({ src: 0, dst: 0, type: 3, code: 1, rest: 0, payload: tcp }, { src: B, dst: A }),
      buildIcmp6Packet({ src: 0, dst: 0, type: 4, code: 1, rest: 6, payload: tcp }, { src: B, dst: A }),
      ...fragmentIpv6(udp, 1280, 0x1234),
    ];
    const bytes = await capture(packets);
    assertCleanCapture(bytes);
    const rows = tsharkFields(
      bytes,
      ["ipv6.nxt", "icmpv6.type", "icmpv6.code", "tcp.checksum.status", "ipv6.fraghdr.offset"],
      ",",
    );
    expect(rows.slice(0, 7).map((r) => r.slice(0, 3).join(" "))).toEqual([
      "6  ",
      "58 128 0",
      "58 129 0",
      // The errors' quoted IPv6 headers are dissected too (their next header: TCP).
      "58,6 1 4",
      "58,6 2 0",
      "58,6 3 1",
      "58,6 4 1",
    ]);
    // Three fragments (1232 + 1232 + 544 bytes of a 3008-byte UDP datagram), the last one reassembled.
    expect(rows.slice(7).map((r) => r[0])).toEqual(["44", "44", "44"]);
  });

  it("flags a TCP and an ICMPv6 checksum broken by one bit", async () => {
    const badTcp = tcp.slice();
    badTcp[60] ^= 1;
    const badEcho = echo.slice();
    badEcho[60] ^= 1;
    const names = judgeCapture(await capture([badTcp, badEcho])).map((f) => f.name);
    expect(names).toContain("tcp.checksum_bad.expert");
    expect(names).toContain("icmpv6.checksum_bad.expert");
  });
});
