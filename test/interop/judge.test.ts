import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { buildPacket, parseIpv4, TcpFlags } from "../../src/wire/index.js";
import { describeWith } from "../helpers/tools.js";
import { judge } from "./capture.js";

const STACK = "10.77.0.2";
const KERNEL = "10.77.0.1";

/** The end of a connection the stack closed second, then a late duplicate ACK from the kernel, and our RST. */
async function capture(closedComment: boolean): Promise<string> {
  const sink = new MemorySink();
  const w = new PcapngWriter(sink, { interfaceName: "tun0-peer" });
  const seg = (from: string, to: string, sport: number, dport: number, seq: number, ack: number, flags: number) =>
    buildPacket({
      src: parseIpv4(from),
      dst: parseIpv4(to),
      srcPort: sport,
      dstPort: dport,
      seq,
      ack,
      flags,
      window: 65535,
    });
  const { ACK, FIN, RST } = TcpFlags;
  w.writePacket({ timestampMs: 1, direction: "outbound", data: seg(STACK, KERNEL, 80, 5000, 100, 200, FIN | ACK) });
  w.writePacket({
    timestampMs: 2,
    direction: "inbound",
    data: seg(KERNEL, STACK, 5000, 80, 200, 101, ACK),
    comments: closedComment
      ? ["10.77.0.2:80>10.77.0.1:5000 recovery end, cwnd=2604", `${STACK}:80>${KERNEL}:5000 LAST-ACK -> CLOSED`]
      : [],
  });
  w.writePacket({ timestampMs: 3, direction: "inbound", data: seg(KERNEL, STACK, 5000, 80, 200, 101, ACK) });
  w.writePacket({ timestampMs: 4, direction: "outbound", data: seg(STACK, KERNEL, 80, 5000, 101, 0, RST) });
  await w.close();
  const file = join(mkdtempSync(join(tmpdir(), "wirestate-judge-")), "rst.pcapng");
  writeFileSync(file, sink.bytes());
  return file;
}

describeWith(["tshark"], "the interop judge's RST rule", () => {
  it("forgives our RST to a segment that came after the engine closed the flow (RFC 9293 §3.10.7.1)", async () => {
    const file = await capture(true);
    expect(() => judge(file, [], STACK)).not.toThrow();
  });

  it("flags our RST when the capture does not show the flow closed first", async () => {
    const file = await capture(false);
    // The two captures differ only in that comment, so what the judge flags here is the RST.
    expect(() => judge(file, [], STACK)).toThrow(/Wireshark's findings/);
  });
});
