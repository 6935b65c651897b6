import { describe, expect, it } from "vitest";
import { DhcpMessageType, DhcpOption, buildDhcp } from "../../src/dhcp/index.js";
import { BROADCAST, CLIENT_MAC, SERVER, clientFixture, ip } from "./fixture.js";

const WANTED = [1, 3, 6, 12, 51, 58, 59];

/** Bound to 10.0.0.100 for `leaseTime` s at t = 0 (T1 = lease/2, T2 = 7/8 lease). */
function bound(leaseTime = 3600) {
  const f = clientFixture();
  f.client.start();
  f.offer();
  f.ack("10.0.0.100", leaseTime);
  return f;
}

/** ACKed 10.0.0.100 and checking it by ARP, with the host's probe answering as `probe` says. */
function probing(probe: "free" | "taken" | "manual") {
  const f = clientFixture({ probe });
  f.client.start();
  f.offer();
  f.ack();
  expect(f.client.state).toBe("probing");
  expect(f.events).toEqual([]);
  return f;
}

describe("DHCP client: acquiring (RFC 2131 §4.4.1)", () => {
  it("INIT: a broadcast DISCOVER from 0.0.0.0, the broadcast flag set, asking for mask, router, DNS and lease", () => {
    const { client, sent } = clientFixture({ hostname: "vm1" });
    client.start();
    expect(client.state).toBe("selecting");
    expect(sent).toHaveLength(1);
    const { m, dst, bytes } = sent[0];
    expect(dst).toBe(BROADCAST);
    expect(bytes).toBeGreaterThanOrEqual(300);
    expect(m).toMatchObject({
      op: 1,
      type: DhcpMessageType.DISCOVER,
      secs: 0,
      broadcast: true,
      ciaddr: 0,
      yiaddr: 0,
      chaddr: CLIENT_MAC,
      options: { parameterList: WANTED, maxMessageSize: 1500, hostname: "vm1" },
    });
    expect(m.options.requestedIp).toBeUndefined();
    expect(m.options.serverId).toBeUndefined();
  });

  it("SELECTING: an OFFER is answered by a broadcast REQUEST with the same xid, server id and requested address", () => {
    const f = clientFixture();
    f.client.start();
    const xid = f.last().m.xid;
    f.offer("10.0.0.100");
    expect(f.client.state).toBe("requesting");
    const { m, dst } = f.last();
    expect(dst).toBe(BROADCAST);
    expect(m).toMatchObject({
      type: DhcpMessageType.REQUEST,
      xid,
      ciaddr: 0,
      broadcast: true,
      options: { serverId: SERVER, requestedIp: ip("10.0.0.100"), parameterList: WANTED },
    });
    // A second OFFER (another server) is not taken in REQUESTING.
    f.offer("10.0.0.200");
    expect(f.client.counters.drops["dhcp-unexpected"]).toBe(1);
    expect(f.sent).toHaveLength(2);
  });

  it("REQUESTING: the ACK binds the address with its prefix, router, DNS servers, lease, T1 and T2", () => {
    const f = bound();
    expect(f.client.state).toBe("bound");
    expect(f.events).toEqual(["bound 10.0.0.100"]);
    expect(f.client.lease).toEqual({
      address: "10.0.0.100",
      prefix: 24,
      router: "10.0.0.1",
      dns: ["10.0.0.53", "10.0.0.54"],
      server: "10.0.0.1",
      leaseTime: 3600,
      renewalTime: 1800,
      rebindingTime: 3150,
      start: 0,
      expires: 3_600_000,
    });
  });

  it("the server's own T1 and T2 are used; inconsistent ones fall back to 1/2 and 7/8", () => {
    const f = clientFixture();
    f.client.start();
    f.offer();
    f.ack("10.0.0.100", 1000, { renewalTime: 100, rebindingTime: 900 });
    expect(f.client.lease).toMatchObject({ renewalTime: 100, rebindingTime: 900 });
    const g = clientFixture();
    g.client.start();
    g.offer();
    g.ack("10.0.0.100", 1000, { renewalTime: 900, rebindingTime: 100 });
    expect(g.client.lease).toMatchObject({ renewalTime: 500, rebindingTime: 875 });
  });

  it("an ACK without a lease time, an OFFER without a server id, or a bad mask is dropped", () => {
    const f = clientFixture();
    f.client.start();
    f.reply(DhcpMessageType.OFFER, { yiaddr: ip("10.0.0.100") }, { serverId: undefined });
    expect(f.client.counters.drops["dhcp-bad-offer"]).toBe(1);
    f.offer();
    f.reply(DhcpMessageType.ACK, { yiaddr: ip("10.0.0.100") }, {});
    f.reply(DhcpMessageType.ACK, { yiaddr: ip("10.0.0.100") }, { leaseTime: 60, subnetMask: ip("255.0.255.0") });
    expect(f.client.counters.drops["dhcp-bad-offer"]).toBe(3);
    expect(f.client.state).toBe("requesting");
  });

  it("the lease runs from the first REQUEST even when the ACK answers a retransmission", () => {
    const f = clientFixture();
    f.client.start();
    f.clock.runUntil(1000);
    f.offer();
    f.clock.runUntil(5000);
    expect(f.client.counters.retransmissions).toBe(1);
    f.ack("10.0.0.100", 3600);
    expect(f.client.lease).toMatchObject({ start: 1000, expires: 3_601_000 });
  });

  it("a REQUEST unanswered four times (4, 8, 16 s apart) starts over with a DISCOVER", () => {
    const f = clientFixture();
    f.client.start();
    f.offer();
    const at: number[] = [];
    for (let t = 0; t <= 70_000; t += 500) {
      f.clock.runUntil(t);
      if (f.last().m.type === DhcpMessageType.REQUEST && at.length < f.client.counters.requestsOut) at.push(t);
    }
    expect(at).toEqual([0, 4000, 12000, 28000]);
    const discover = f.sent.findIndex((s, i) => i > 0 && s.m.type === DhcpMessageType.DISCOVER);
    expect(discover).toBe(5);
    expect(f.client.state).toBe("selecting");
  });

  it("a NAK in REQUESTING starts over at once with a new DISCOVER (new xid); another server's NAK is ignored", () => {
    let n = 0;
    const f = clientFixture({ random: () => (n++ % 7) / 7 });
    f.client.start();
    f.offer();
    const xid = f.last().m.xid;
    f.reply(DhcpMessageType.NAK, {}, { serverId: ip("10.0.0.2") });
    expect(f.client.counters.drops["dhcp-other-transaction"]).toBe(1);
    f.reply(DhcpMessageType.NAK, {}, { message: "no" });
    expect(f.client.state).toBe("selecting");
    expect(f.last().m.type).toBe(DhcpMessageType.DISCOVER);
    expect(f.last().m.xid).not.toBe(xid);
    expect(f.events).toEqual([]);
  });

  it("ARP probe: a free address is bound after it; a taken one is DECLINEd, and DISCOVER follows 10 s later", () => {
    const free = probing("free");
    free.clock.runUntil(2000);
    expect(free.events).toEqual(["bound 10.0.0.100"]);

    const taken = probing("taken");
    taken.clock.runUntil(2000);
    expect(taken.events).toEqual([]);
    expect(taken.client.counters.conflicts).toBe(1);
    expect(taken.last()).toMatchObject({
      dst: BROADCAST,
      m: {
        type: DhcpMessageType.DECLINE,
        ciaddr: 0,
        options: { serverId: SERVER, requestedIp: ip("10.0.0.100"), message: "address in use" },
      },
    });
    taken.clock.runUntil(11_999);
    expect(taken.last().m.type).toBe(DhcpMessageType.DECLINE);
    taken.clock.runUntil(12_000);
    expect(taken.last().m.type).toBe(DhcpMessageType.DISCOVER);
  });

  it("ARP probe superseded (the address unchecked): not bound, not DECLINEd; a new DISCOVER", () => {
    const f = probing("manual");
    f.probeDone()?.("superseded");
    expect(f.events).toEqual([]);
    expect(f.client.counters.declinesOut).toBe(0);
    expect(f.client.state).toBe("selecting");
    expect(f.last().m.type).toBe(DhcpMessageType.DISCOVER);
  });

  it("INIT-REBOOT: a broadcast REQUEST for the previous address without server id; NAK -> DISCOVER", () => {
    const f = clientFixture({ previousAddress: "10.0.0.77" });
    f.client.start();
    expect(f.client.state).toBe("rebooting");
    expect(f.last()).toMatchObject({
      dst: BROADCAST,
      m: { type: DhcpMessageType.REQUEST, ciaddr: 0, options: { requestedIp: ip("10.0.0.77") } },
    });
    expect(f.last().m.options.serverId).toBeUndefined();
    f.reply(DhcpMessageType.NAK);
    expect(f.last().m.type).toBe(DhcpMessageType.DISCOVER);
    const g = clientFixture({ previousAddress: "10.0.0.77" });
    g.client.start();
    g.ack("10.0.0.77");
    expect(g.events).toEqual(["bound 10.0.0.77"]);
  });
});

describe("DHCP client: renewing, rebinding, expiry (RFC 2131 §4.4.5)", () => {
  it("T1: a REQUEST unicast to the server from the address (ciaddr), no server id; the ACK extends the lease", () => {
    const f = bound(3600);
    f.clock.runUntil(1_799_999);
    expect(f.sent).toHaveLength(2);
    f.clock.runUntil(1_800_000);
    expect(f.client.state).toBe("renewing");
    const { m, dst } = f.last();
    expect(dst).toBe(SERVER);
    expect(m).toMatchObject({ type: DhcpMessageType.REQUEST, ciaddr: ip("10.0.0.100"), broadcast: false });
    expect(m.options.serverId).toBeUndefined();
    expect(m.options.requestedIp).toBeUndefined();
    f.ack();
    expect(f.client.state).toBe("bound");
    expect(f.events).toEqual(["bound 10.0.0.100", "bound 10.0.0.100 (renewed)"]);
    expect(f.client.lease?.start).toBe(1_800_000);
    expect(f.client.lease?.expires).toBe(5_400_000);
  });

  it("RENEWING retransmits after half the time to T2 (at least 60 s); T2 broadcasts; the lease ends: address gone, DISCOVER", () => {
    const f = bound(3600);
    const requests: [number, number][] = [];
    for (let t = 1_800_000; t <= 3_600_000; t += 1000) {
      f.clock.runUntil(t);
      const { m, dst } = f.last();
      if (m.type === DhcpMessageType.REQUEST && requests.length < f.client.counters.requestsOut - 1)
        requests.push([t, dst]);
    }
    // T1 = 1800 s, T2 = 3150 s: 675 s later, then 337.5, 168.75, 84.4, then 60 s steps while they fit.
    expect(requests.slice(0, 4)).toEqual([
      [1_800_000, SERVER],
      [2_475_000, SERVER],
      [2_813_000, SERVER],
      [2_982_000, SERVER],
    ]);
    const rebind = requests.find(([t]) => t === 3_150_000);
    expect(rebind).toEqual([3_150_000, BROADCAST]);
    // No renewal was answered: expiry at 3600 s.
    expect(f.client.counters.expirations).toBe(1);
    expect(f.events).toEqual(["bound 10.0.0.100", "unbound 10.0.0.100"]);
    expect(f.client.lease).toBeNull();
    expect(f.last().m.type).toBe(DhcpMessageType.DISCOVER);
    expect(f.client.state).toBe("selecting");
  });

  it("REBINDING: another server's ACK (broadcast) renews; a NAK there removes the address", () => {
    const f = bound(3600);
    f.clock.runUntil(3_150_000);
    expect(f.client.state).toBe("rebinding");
    expect(f.last()).toMatchObject({ dst: BROADCAST, m: { ciaddr: ip("10.0.0.100") } });
    f.reply(DhcpMessageType.ACK, { yiaddr: ip("10.0.0.100") }, { leaseTime: 3600, serverId: ip("10.0.0.2") });
    expect(f.client.lease?.server).toBe("10.0.0.2");
    f.clock.runUntil(3_150_000 + 1_800_000);
    expect(f.client.state).toBe("renewing");
    expect(f.last().dst).toBe(ip("10.0.0.2"));
    f.reply(DhcpMessageType.NAK, {}, { serverId: ip("10.0.0.2") });
    expect(f.events.at(-1)).toBe("unbound 10.0.0.100");
    expect(f.client.state).toBe("selecting");
  });

  it("a renewal that brings another address unbinds the old one first", () => {
    const f = bound(3600);
    f.clock.runUntil(1_800_000);
    f.ack("10.0.0.101");
    expect(f.events).toEqual(["bound 10.0.0.100", "unbound 10.0.0.100", "bound 10.0.0.101"]);
  });

  it("repeated NAKs back off (4 s, then 8 s) instead of looping", () => {
    const f = clientFixture();
    f.client.start();
    f.offer();
    f.reply(DhcpMessageType.NAK);
    // The first NAK: DISCOVER at once.
    expect(f.last().m.type).toBe(DhcpMessageType.DISCOVER);
    for (const wait of [4000, 8000]) {
      f.offer();
      f.reply(DhcpMessageType.NAK);
      expect(f.last().m.type).toBe(DhcpMessageType.REQUEST);
      f.clock.advance(wait - 1);
      expect(f.last().m.type).toBe(DhcpMessageType.REQUEST);
      f.clock.advance(1);
      expect(f.last().m.type).toBe(DhcpMessageType.DISCOVER);
    }
    expect(f.client.counters.naksIn).toBe(3);
  });

  it("a 100-day lease renews at T1 (50 days), every wait one a platform timer holds (2^31 - 1 ms)", () => {
    const f = clientFixture();
    const delays: number[] = [];
    const schedule = f.clock.schedule.bind(f.clock);
    f.clock.schedule = (ms, fn) => {
      delays.push(ms);
      return schedule(ms, fn);
    };
    f.client.start();
    f.offer();
    f.ack("10.0.0.100", 100 * 86_400);
    const t1 = 50 * 86_400_000;
    f.clock.runUntil(t1 - 1);
    expect(f.client.state).toBe("bound");
    f.clock.runUntil(t1);
    expect(f.client.state).toBe("renewing");
    expect(f.last().m.type).toBe(DhcpMessageType.REQUEST);
    expect(Math.max(...delays)).toBeLessThanOrEqual(0x7fff_ffff);
  });

  it("an infinite lease arms no timer", () => {
    const f = bound(0xffffffff);
    expect(f.client.lease?.expires).toBe(Number.POSITIVE_INFINITY);
    expect(f.clock.pending).toBe(0);
  });

  it("stop(): RELEASE unicast to the server from the address, then unbound; nothing after", () => {
    const f = bound();
    f.client.stop();
    expect(f.last()).toMatchObject({
      dst: SERVER,
      m: { type: DhcpMessageType.RELEASE, ciaddr: ip("10.0.0.100"), options: { serverId: SERVER } },
    });
    expect(f.events.at(-1)).toBe("unbound 10.0.0.100");
    expect(f.client.state).toBe("stopped");
    expect(f.clock.pending).toBe(0);
    f.ack();
    expect(f.sent).toHaveLength(3);
  });
});

describe("DHCP client: bad input is counted and dropped", () => {
  it("garbage, BOOTP, requests, other transactions, other clients", () => {
    const f = clientFixture();
    f.client.start();
    const xid = f.last().m.xid;
    f.client.input(new Uint8Array(10));
    const base = {
      op: 2 as const,
      type: DhcpMessageType.OFFER,
      xid,
      secs: 0,
      broadcast: true,
      ciaddr: 0,
      yiaddr: ip("10.0.0.100"),
      siaddr: 0,
      giaddr: 0,
      chaddr: CLIENT_MAC,
      options: { serverId: SERVER },
    };
    const noCookie = buildDhcp(base);
    noCookie[236] = 0;
    f.client.input(noCookie);
    const badOp = buildDhcp(base);
    badOp[0] = 3;
    f.client.input(badOp);
    const tokenRing = buildDhcp(base);
    tokenRing[1] = 6;
    f.client.input(tokenRing);
    const runsOver = buildDhcp(base);
    runsOver[240 + 3] = DhcpOption.SERVER_ID;
    runsOver[240 + 4] = 200;
    f.client.input(runsOver.subarray(0, 260));
    const badLength = buildDhcp(base);
    badLength.set([DhcpOption.SUBNET_MASK, 3, 1, 2, 3], 243);
    f.client.input(badLength);
    const bootp = buildDhcp(base);
    bootp[240] = DhcpOption.PAD;
    bootp[241] = DhcpOption.PAD;
    bootp[242] = DhcpOption.PAD;
    f.client.input(bootp);
    const badType = buildDhcp(base);
    badType[242] = 9;
    f.client.input(badType);
    f.client.input(buildDhcp({ ...base, op: 1 }));
    f.client.input(buildDhcp({ ...base, xid: xid + 1 }));
    f.client.input(buildDhcp({ ...base, chaddr: CLIENT_MAC + 1 }));
    f.client.input(buildDhcp({ ...base, type: DhcpMessageType.INFORM }));
    expect(f.client.counters.drops).toEqual({
      "dhcp-truncated": 1,
      "dhcp-no-cookie": 1,
      "dhcp-bad-op": 1,
      "dhcp-not-ethernet": 1,
      "dhcp-bad-options": 2,
      "dhcp-no-type": 1,
      "dhcp-bad-type": 1,
      "dhcp-not-reply": 1,
      "dhcp-other-transaction": 2,
      "dhcp-unexpected": 1,
      "dhcp-bad-offer": 0,
    });
    expect(f.client.state).toBe("selecting");
    expect(f.sent).toHaveLength(1);
  });
});
