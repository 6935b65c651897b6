import { describe, expect, it } from "vitest";
import {
  Stack,
  VirtualClock,
  dhcpServer,
  ethernetLink,
  v86Link,
  virtualSwitch,
  type V86BusLike,
} from "../../src/api/index.js";
import {
  ArpOperation,
  BROADCAST_MAC,
  EtherType,
  buildArpFrame,
  buildEthernetFrame,
  buildUdpPacket,
  newArpRepr,
  parseArpInto,
  parseDatagram,
  parseIpv4,
} from "../../src/wire/index.js";
import { DhcpMessageType, buildDhcp, parseDhcp, type DhcpMessage, type DhcpOptions } from "../../src/dhcp/index.js";
import { pass } from "../api/helpers.js";

/**
 * v86's bus as its NIC sees it (src/bus.js, src/ne2k.js): `register(name, fn, this)` for the events the card
 * listens to, `send(name, value)` calling every listener at once. The card transmits by sending
 * `net0-send` with `this.memory.subarray(start, start + tcnt)`: a view into its own 32 KiB buffer that the
 * next transmission overwrites.
 */
class FakeV86 implements V86BusLike {
  readonly listeners = new Map<string, { fn: (data: Uint8Array) => void; thisValue: unknown }[]>();
  readonly received: Uint8Array[] = [];
  readonly memory = new Uint8Array(256 * 0x80);

  constructor() {
    // The card's side: what arrives as net0-receive goes into its receive ring (here: a list).
    this.register("net0-receive", (data) => this.received.push(Uint8Array.from(data)), this);
  }

  register(name: string, fn: (data: Uint8Array) => void, thisValue: unknown): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), { fn, thisValue }]);
  }

  unregister(name: string, fn: (data: Uint8Array) => void): void {
    const left = (this.listeners.get(name) ?? []).filter((l) => l.fn !== fn);
    if (left.length > 0) this.listeners.set(name, left);
    else this.listeners.delete(name);
  }

  send(name: string, value: unknown): void {
    for (const l of this.listeners.get(name) ?? []) l.fn.call(l.thisValue, value as Uint8Array);
  }

  /** The guest transmits `frame` as ne2k does: copied into the card's memory at page 0x40, then a view. */
  transmit(frame: Uint8Array): void {
    const start = 0x40 << 8;
    this.memory.set(frame, start);
    this.send("net0-send", this.memory.subarray(start, start + frame.length));
  }
}

const GUEST = 0x00_22_15_12_34_56; // ne2k's 00:22:15 prefix
const guestIp = parseIpv4("10.0.0.10");

/** Linux's ARP request from the guest, padded to ETH_ZLEN (60 bytes) as drivers send it. */
function guestRequest(target: string): Uint8Array {
  const frame = new Uint8Array(60);
  frame.set(
    buildArpFrame(BROADCAST_MAC, GUEST, {
      operation: ArpOperation.REQUEST,
      senderMac: GUEST,
      senderIp: guestIp,
      targetMac: 0,
      targetIp: parseIpv4(target),
    }),
  );
  return frame;
}

describe("v86Link: a v86 NIC on a virtual switch", () => {
  it("a stack answers the guest's ARP request, padded as the guest sends it", () => {
    const clock = new VirtualClock();
    const v86 = new FakeV86();
    const sw = virtualSwitch({ clock });
    const nic = v86Link(v86);
    sw.attach(nic);
    const host = ethernetLink({ link: sw.port(), address: "10.0.0.1/24", clock, mac: 0x020000000001 });
    new Stack({ address: "10.0.0.1", link: host, clock });
    clock.runUntilIdle();
    v86.received.length = 0; // the stack's announcement
    v86.transmit(guestRequest("10.0.0.1"));
    // The card reuses its buffer at once: the adapter must have copied the frame.
    v86.memory.fill(0xee);
    clock.advance(1);
    expect(v86.received).toHaveLength(1);
    const reply = newArpRepr();
    expect(parseArpInto(v86.received[0], reply)).toBeNull();
    expect(reply).toEqual({
      operation: ArpOperation.REPLY,
      senderMac: 0x020000000001,
      senderIp: parseIpv4("10.0.0.1"),
      targetMac: GUEST,
      targetIp: guestIp,
    });
    expect(v86.received[0].subarray(0, 6)).toEqual(Uint8Array.of(0x00, 0x22, 0x15, 0x12, 0x34, 0x56));
    expect(host.interface.neighbors.entry(guestIp)?.mac).toBe(GUEST);
    expect(nic.counters).toEqual({ framesIn: 1, framesOut: 2, dropped: 0 });
  });

  it("counts runts and giants from the card, and stops listening when closed", () => {
    const v86 = new FakeV86();
    const nic = v86Link(v86);
    const got: Uint8Array[] = [];
    nic.onReceive = (f) => got.push(f);
    v86.transmit(new Uint8Array(10));
    v86.transmit(new Uint8Array(1600));
    v86.transmit(guestRequest("10.0.0.1"));
    expect(got).toHaveLength(1);
    expect(nic.counters.dropped).toBe(2);
    nic.close();
    v86.transmit(guestRequest("10.0.0.1"));
    expect(got).toHaveLength(1);
    expect(v86.listeners.has("net0-send")).toBe(false);
    expect(() => v86Link(v86, { id: -1 })).toThrow(RangeError);
  });

  it("a guest asking as Linux's udhcpc does (no broadcast flag, a client id) gets a lease from a stack", async () => {
    const clock = new VirtualClock();
    const v86 = new FakeV86();
    const sw = virtualSwitch({ clock });
    sw.attach(v86Link(v86));
    const host = ethernetLink({ link: sw.port(), address: "10.0.0.1/24", clock, mac: 0x020000000001 });
    const stack = new Stack({ address: "10.0.0.1", link: host, clock });
    const dhcp = dhcpServer(stack, { pool: "10.0.0.100-10.0.0.110", router: "10.0.0.1", dns: "10.0.0.1" });
    clock.runUntilIdle();
    v86.received.length = 0;
    const clientId = Uint8Array.of(1, 0x00, 0x22, 0x15, 0x12, 0x34, 0x56);
    const guestSends = async (type: DhcpMessage["type"], options: DhcpOptions) => {
      const payload = buildDhcp({
        op: 1,
        type,
        xid: 0x5eed,
        secs: 0,
        broadcast: false,
        ciaddr: 0,
        yiaddr: 0,
        siaddr: 0,
        giaddr: 0,
        chaddr: GUEST,
        options: { clientId, hostname: "guest", parameterList: [1, 3, 6, 12, 15, 28, 42], ...options },
      });
      const ip = buildUdpPacket({ src: 0, dst: 0xffffffff, srcPort: 68, dstPort: 67, payload });
      v86.transmit(buildEthernetFrame(BROADCAST_MAC, GUEST, EtherType.IPV4, ip));
      // The server reads its socket by promise.
      await pass(clock, 10);
      // What reached the card: one broadcast frame with the server's UDP answer from 10.0.0.1:67 to port 68.
      const frames = v86.received.splice(0);
      expect(frames).toHaveLength(1);
      expect(frames[0].subarray(0, 6)).toEqual(new Uint8Array(6).fill(0xff));
      const datagram = parseDatagram(frames[0].subarray(14));
      if (!datagram.ok) throw new Error(datagram.reason);
      expect(datagram.ip.src).toBe(parseIpv4("10.0.0.1"));
      expect(datagram.udp).toMatchObject({ srcPort: 67, dstPort: 68 });
      return parseDhcp(datagram.payload) as DhcpMessage;
    };
    const offer = await guestSends(DhcpMessageType.DISCOVER, {});
    expect(offer).toMatchObject({
      type: DhcpMessageType.OFFER,
      xid: 0x5eed,
      chaddr: GUEST,
      yiaddr: parseIpv4("10.0.0.100"),
    });
    const ack = await guestSends(DhcpMessageType.REQUEST, {
      serverId: parseIpv4("10.0.0.1"),
      requestedIp: offer.yiaddr,
    });
    expect(ack).toMatchObject({
      type: DhcpMessageType.ACK,
      yiaddr: parseIpv4("10.0.0.100"),
      options: { routers: [parseIpv4("10.0.0.1")], dns: [parseIpv4("10.0.0.1")], leaseTime: 3600 },
    });
    expect(dhcp.leases()).toEqual([
      { address: "10.0.0.100", client: "id:01002215123456", expires: expect.any(Number) },
    ]);
  });
});
