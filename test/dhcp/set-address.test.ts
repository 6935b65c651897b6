import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { IpStack } from "../../src/stack/index.js";
import { buildUdpPacket, ipv4ToString, parseIpv4 } from "../../src/wire/index.js";
import { ipv4SourceOf } from "../../src/wire/ipv4-address.js";
import { FakeLink } from "../ethernet/fake-link.js";

const isnKey = new Uint8Array(16).fill(9);

/** The source address of each packet sent since the last call. */
const sources = (link: FakeLink) => link.take().map((p) => ipv4ToString(ipv4SourceOf(p)));

describe("IpStack.setAddress (what a DHCP lease changes)", () => {
  it("new connections, datagrams and pings leave from the new address; what exists keeps its own", () => {
    const link = new FakeLink();
    const stack = new IpStack({ address: "0.0.0.0", link, clock: new VirtualClock(0), isnKey });
    expect(stack.ip).toBe(0);
    const socket = stack.udp({ port: 68, broadcast: true });
    socket.send(new Uint8Array(8), 0xffffffff, 67);
    expect(sources(link)).toEqual(["0.0.0.0"]);

    stack.setAddress("10.0.0.100");
    expect(stack.address).toBe("10.0.0.100");
    const listener = stack.listen(80);
    const first = stack.connect("10.0.0.1", 80);
    socket.send(new Uint8Array(8), parseIpv4("10.0.0.1"), 67);
    stack.ping("10.0.0.1", { count: 1 });
    expect(sources(link)).toEqual(["10.0.0.100", "10.0.0.100", "10.0.0.100"]);

    stack.setAddress("10.0.0.101");
    const second = stack.connect("10.0.0.1", 80);
    socket.send(new Uint8Array(8), parseIpv4("10.0.0.1"), 67);
    expect(sources(link)).toEqual(["10.0.0.101", "10.0.0.101"]);
    expect(first.localAddress).toBe("10.0.0.100");
    expect(second.localAddress).toBe("10.0.0.101");
    expect(listener.localAddress).toBe("10.0.0.100");

    // Datagrams for the old address are no longer ours; for the new one they are.
    const to = (dst: string) =>
      buildUdpPacket({
        src: parseIpv4("10.0.0.1"),
        dst: parseIpv4(dst),
        srcPort: 67,
        dstPort: 68,
        payload: new Uint8Array(4),
      });
    stack.input(to("10.0.0.100"));
    expect(stack.counters.drops["wrong-address"]).toBe(1);
    expect(socket.queued).toBe(0);
    stack.input(to("10.0.0.101"));
    expect(socket.queued).toBe(1);
    stack.close();
  });
});
