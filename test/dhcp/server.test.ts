import { describe, expect, it } from "vitest";
import { DhcpMessageType } from "../../src/dhcp/index.js";
import { BROADCAST, SERVER, dhcpMessage, ip, serverFixture } from "./fixture.js";

const A = 0x02_00_00_00_00_0a;
const B = 0x02_00_00_00_00_0b;
const C = 0x02_00_00_00_00_0c;
const D = 0x02_00_00_00_00_0d;

describe("DHCP server (RFC 2131 §4.3)", () => {
  it("DISCOVER -> a broadcast OFFER from the pool with mask, router, DNS, lease, T1, T2, server id", () => {
    const { send } = serverFixture();
    const [offer] = send(DhcpMessageType.DISCOVER, A);
    expect(offer.dst).toBe(BROADCAST);
    expect(offer.m).toMatchObject({
      op: 2,
      type: DhcpMessageType.OFFER,
      yiaddr: ip("10.0.0.100"),
      chaddr: A,
      broadcast: true,
      options: {
        serverId: SERVER,
        subnetMask: ip("255.255.255.0"),
        routers: [SERVER],
        dns: [ip("10.0.0.53")],
        leaseTime: 600,
        renewalTime: 300,
        rebindingTime: 525,
      },
    });
  });

  it("REQUEST for the offer -> ACK; the same client asking again gets the same address", () => {
    const { send, server, lease } = serverFixture();
    expect(lease(A)).toBe(ip("10.0.0.100"));
    expect(server.leases()).toEqual([{ address: "10.0.0.100", client: "02:00:00:00:00:0a", expires: 600_000 }]);
    const [again] = send(DhcpMessageType.DISCOVER, A);
    expect(again.m.yiaddr).toBe(ip("10.0.0.100"));
    // A requested address is honoured when free.
    const [wanted] = send(DhcpMessageType.DISCOVER, B, {}, { requestedIp: ip("10.0.0.102") });
    expect(wanted.m.yiaddr).toBe(ip("10.0.0.102"));
  });

  it("REQUEST naming another server frees our offer; one for an address not offered is NAKed", () => {
    const { send, server } = serverFixture({ pool: "10.0.0.100-10.0.0.100" });
    send(DhcpMessageType.DISCOVER, A);
    expect(send(DhcpMessageType.DISCOVER, B)).toEqual([]);
    expect(send(DhcpMessageType.REQUEST, A, {}, { serverId: ip("10.0.0.2"), requestedIp: ip("10.0.0.100") })).toEqual(
      [],
    );
    // Freed: B gets it now.
    expect(send(DhcpMessageType.DISCOVER, B)[0].m.yiaddr).toBe(ip("10.0.0.100"));
    const [nak] = send(DhcpMessageType.REQUEST, C, {}, { serverId: SERVER, requestedIp: ip("10.0.0.100") });
    expect(nak).toMatchObject({ dst: BROADCAST, m: { type: DhcpMessageType.NAK, yiaddr: 0 } });
    expect(server.counters.naksOut).toBe(1);
  });

  it("pool exhaustion: no OFFER (counted); an expired lease frees an address again", () => {
    const { send, server, lease, clock } = serverFixture();
    expect([lease(A), lease(B), lease(C)]).toEqual([ip("10.0.0.100"), ip("10.0.0.101"), ip("10.0.0.102")]);
    expect(send(DhcpMessageType.DISCOVER, D)).toEqual([]);
    expect(server.counters.poolExhausted).toBe(1);
    expect(server.table.count).toBe(3);
    clock.runUntil(600_000);
    expect(server.leases()).toEqual([]);
    expect(lease(D)).not.toBeNull();
    // The table never holds more than the pool.
    for (let mac = 1; mac < 200; mac++) send(DhcpMessageType.DISCOVER, mac);
    expect(server.table.count).toBeLessThanOrEqual(3);
  });

  it("an unanswered offer lapses after offerTime", () => {
    const { send, clock } = serverFixture({ pool: "10.0.0.100-10.0.0.100", offerTime: 30 });
    send(DhcpMessageType.DISCOVER, A);
    expect(send(DhcpMessageType.DISCOVER, B)).toEqual([]);
    clock.runUntil(30_000);
    expect(send(DhcpMessageType.DISCOVER, B)[0].m.yiaddr).toBe(ip("10.0.0.100"));
  });

  it("RENEWING: ACK unicast to ciaddr, the lease extended; INIT-REBOOT: ACK ours, NAK others' and other networks', silent without a record", () => {
    const { send, server, lease, clock } = serverFixture();
    lease(A);
    clock.runUntil(300_000);
    const [renew] = send(DhcpMessageType.REQUEST, A, { ciaddr: ip("10.0.0.100"), broadcast: false });
    expect(renew).toMatchObject({ dst: ip("10.0.0.100"), m: { type: DhcpMessageType.ACK, yiaddr: ip("10.0.0.100") } });
    expect(server.leases()[0].expires).toBe(900_000);
    expect(send(DhcpMessageType.REQUEST, A, {}, { requestedIp: ip("10.0.0.100") })[0].m.type).toBe(DhcpMessageType.ACK);
    expect(send(DhcpMessageType.REQUEST, B, {}, { requestedIp: ip("10.0.0.100") })[0].m.type).toBe(DhcpMessageType.NAK);
    const [wrongNet] = send(DhcpMessageType.REQUEST, B, {}, { requestedIp: ip("192.168.1.5") });
    expect(wrongNet.m).toMatchObject({ type: DhcpMessageType.NAK, options: { message: "wrong network" } });
    expect(send(DhcpMessageType.REQUEST, B, {}, { requestedIp: ip("10.0.0.101") })).toEqual([]);
    expect(send(DhcpMessageType.REQUEST, B, { ciaddr: ip("10.0.0.101") })).toEqual([]);
    expect(server.counters.drops["dhcp-no-record"]).toBe(2);
  });

  it("RELEASE frees the address; DECLINE keeps it out of the pool for declineTime", () => {
    const { send, server, lease, clock } = serverFixture({ pool: "10.0.0.100-10.0.0.101", declineTime: 100 });
    lease(A);
    // Only the holder may release it.
    send(DhcpMessageType.RELEASE, B, { ciaddr: ip("10.0.0.100") }, { serverId: SERVER });
    expect(server.counters.drops["dhcp-not-ours"]).toBe(1);
    send(DhcpMessageType.RELEASE, A, { ciaddr: ip("10.0.0.100") }, { serverId: SERVER });
    expect(server.leases()).toEqual([]);
    const declined = lease(A) as number;
    const other = declined === ip("10.0.0.100") ? ip("10.0.0.101") : ip("10.0.0.100");
    send(DhcpMessageType.DECLINE, A, {}, { serverId: SERVER, requestedIp: declined });
    expect(server.leases()).toEqual([]);
    // A asks again and gets the other address; the declined one is nobody's until the quarantine ends.
    expect(send(DhcpMessageType.DISCOVER, A)[0].m.yiaddr).toBe(other);
    expect(send(DhcpMessageType.DISCOVER, B)).toEqual([]);
    clock.runUntil(100_000);
    expect(send(DhcpMessageType.DISCOVER, B)[0].m.yiaddr).toBe(declined);
  });

  it("INFORM: configuration to ciaddr, without an address or a lease", () => {
    const { send } = serverFixture();
    const [ack] = send(DhcpMessageType.INFORM, A, { ciaddr: ip("10.0.0.50") });
    expect(ack).toMatchObject({ dst: ip("10.0.0.50"), m: { type: DhcpMessageType.ACK, yiaddr: 0 } });
    expect(ack.m.options.leaseTime).toBeUndefined();
    expect(ack.m.options.routers).toEqual([SERVER]);
  });

  it("a client identifier (61) names the client instead of its MAC", () => {
    const { send, server } = serverFixture();
    const id = Uint8Array.of(1, 2, 3);
    const [offer] = send(DhcpMessageType.DISCOVER, A, {}, { clientId: id });
    send(DhcpMessageType.REQUEST, B, {}, { clientId: id, serverId: SERVER, requestedIp: offer.m.yiaddr });
    expect(server.leases()[0].client).toBe("id:010203");
  });

  it("garbage, replies, relayed and unexpected messages are counted and dropped", () => {
    const { send, server, sent } = serverFixture();
    server.input(new Uint8Array(100));
    server.input(new Uint8Array(400));
    send(DhcpMessageType.OFFER, A);
    send(DhcpMessageType.DISCOVER, A, { giaddr: ip("10.1.0.1") });
    server.input(dhcpMessage(2, DhcpMessageType.DISCOVER, 1, A, {}));
    expect(server.counters.drops).toMatchObject({
      "dhcp-truncated": 1,
      "dhcp-bad-op": 1,
      "dhcp-unexpected": 1,
      "dhcp-relayed": 1,
      "dhcp-not-request": 1,
    });
    expect(sent).toEqual([]);
  });

  it("never leases the server's own address, the router's, nor the subnet's network and broadcast addresses", () => {
    const { lease } = serverFixture({ pool: "10.0.0.0-10.0.0.5", router: "10.0.0.2" });
    const got = [A, B, C, D].map(lease);
    expect(got).toEqual([ip("10.0.0.3"), ip("10.0.0.4"), ip("10.0.0.5"), null]);
    const edge = serverFixture({ pool: "10.0.0.250-10.0.0.255" });
    const macs = Array.from({ length: 7 }, (_, i) => 0x0200_0000_0100 + i);
    expect(macs.map(edge.lease).filter((x) => x !== null)).toHaveLength(5);
    expect(edge.server.leases().map((l) => l.address)).not.toContain("10.0.0.255");
    // A client asking for one of them is given another.
    const [offer] = serverFixture().send(DhcpMessageType.DISCOVER, A, {}, { requestedIp: SERVER });
    expect(offer.m.yiaddr).toBe(ip("10.0.0.100"));
  });

  it("refuses a pool off the server's subnet", () => {
    expect(() => serverFixture({ pool: "10.0.1.100-10.0.1.110" })).toThrow(/not on the subnet of 10\.0\.0\.1\/24/);
  });

  it("refuses a pool larger than 65536 or inverted, and a bad prefix", () => {
    expect(() => serverFixture({ pool: "10.0.0.0-10.2.0.0" })).toThrow(RangeError);
    expect(() => serverFixture({ pool: "10.0.0.9-10.0.0.1" })).toThrow(RangeError);
    expect(() => serverFixture({ pool: "10.0.0.9" })).toThrow(RangeError);
    expect(() => serverFixture({ prefix: 31 })).toThrow(RangeError);
  });
});
