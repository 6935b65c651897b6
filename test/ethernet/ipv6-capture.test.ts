import { expect, it } from "vitest";
import { CaptureLink } from "../../src/link/index.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { drive, patternBytes } from "../api/helpers.js";
import { describeWith } from "../helpers/tools.js";
import { assertCleanCapture, tsharkFields } from "../helpers/tshark.js";
import { ipv6Lan, transfer } from "./ipv6-lan.js";

describeWith(["tshark"], "a capture of IPv6 over Ethernet with neighbour discovery, judged by Wireshark", () => {
  it("DAD, address resolution and TCP over IPv6: every frame well formed, checksums right", async () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink, { interfaceName: "eth-a", linkType: "ethernet", mac: 0x020000000001 });
    const { clock, hosts } = ipv6Lan([["fd00::1/64"], ["fd00::2/64"]], (port, i, c) =>
      i === 0 ? new CaptureLink(port, writer, c) : port,
    );
    const [a, b] = hosts;
    clock.advance(3000);
    const listener = b.stack.listen(80);
    const accepted = listener.accept();
    const client = await drive(clock, a.stack.connect("fd00::2", 80));
    const server = await drive(clock, accepted);
    const got = await transfer(clock, client, server, patternBytes(20_000));
    expect(got.reduce((n, p) => n + p.length, 0)).toBe(20_000);
    clock.advance(1000);
    await writer.close();
    const capture = sink.bytes();
    // tshark checks the ICMPv6 and TCP checksums over the IPv6 pseudo-header here.
    assertCleanCapture(capture);
    const rows = tsharkFields(capture, ["eth.dst", "ipv6.src", "ipv6.dst", "icmpv6.type", "tcp.len"], ",");
    const ipv6 = rows.filter((r) => r[1] !== ""); // the rest are ARP (the IPv4 addresses' announcements)
    const lines = new Set(ipv6.map((r) => (r[3] !== "" ? `${r[0]} ${r[1]} ${r[2]} icmpv6 ${r[3]}` : `${r[2]} tcp`)));
    // DAD: a's solicitation for fd00::1 from ::, to its solicited-node group and that group's MAC.
    expect(lines).toContain("33:33:ff:00:00:01 :: ff02::1:ff00:1 icmpv6 135");
    // Resolution: a asks for fd00::2 from its link-local address; b answers to a's MAC with an NA.
    expect([...lines].some((l) => /^33:33:ff:00:00:02 fe80::\S+ ff02::1:ff00:2 icmpv6 135$/.test(l))).toBe(true);
    expect([...lines].some((l) => /^02:00:00:00:00:01 fd00::2 fe80::\S+ icmpv6 136$/.test(l))).toBe(true);
    // Router solicitations once the link-local addresses were assigned, to all routers.
    expect([...lines].some((l) => /^33:33:00:00:00:02 fe80::\S+ ff02::2 icmpv6 133$/.test(l))).toBe(true);
    expect(lines).toContain("fd00::2 tcp");
    expect(rows.filter((r) => r[4] !== "").length).toBeGreaterThan(10);
  });
});
