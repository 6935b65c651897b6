import { describe, expect, it, vi } from "vitest";
import {
  DhcpTimeoutError,
  Stack,
  StackClosedError,
  dhcpServer,
  ethernetLink,
  memoryLinkPair,
} from "../../src/api/index.js";
import { parseIpv4 } from "../../src/wire/index.js";
import { drive, pass, patternBytes, readAll, sha256 } from "../api/helpers.js";
import { dhcpLan } from "./lan.js";

describe("DHCP between stacks on a virtual switch", () => {
  it("a client leases an address, subnet, router and DNS; then 256 KB over TCP to the leased address", async () => {
    const lan = dhcpLan();
    const { clock, client, serverStack, dhcp } = lan;
    const a = client({ dhcp: { hostname: "a" } });
    expect(a.stack.address).toBe("0.0.0.0");
    expect(a.stack.dhcp?.state).toBe("selecting");
    const address = await drive(clock, a.stack.ready);
    expect(address).toBe("10.0.0.100");
    expect(a.stack.address).toBe("10.0.0.100");
    expect(a.stack.dhcp?.state).toBe("bound");
    expect(a.stack.dhcp?.lease).toMatchObject({
      address: "10.0.0.100",
      prefix: 24,
      router: "10.0.0.1",
      dns: ["10.0.0.53"],
      server: "10.0.0.1",
      leaseTime: 3600,
      renewalTime: 1800,
      rebindingTime: 3150,
    });
    // The interface took the address, with the subnet route and the default route through the router.
    const eth = a.link.interface;
    expect(eth.address).toBe(parseIpv4("10.0.0.100"));
    expect(eth.prefix).toBe(24);
    expect(a.link.routes.lookup(parseIpv4("8.8.8.8"))?.gateway).toBe(parseIpv4("10.0.0.1"));
    expect(a.link.routes.lookup(parseIpv4("10.0.0.7"))?.gateway).toBeUndefined();
    // Probed by ARP before use (two probes), then announced (RFC 5227).
    expect(eth.arp.counters.probesOut).toBe(2);
    expect(eth.arp.counters.announcementsOut).toBe(1);
    expect(a.stack.dhcp?.counters).toMatchObject({ discoversOut: 1, offersIn: 1, requestsOut: 1, acksIn: 1 });
    expect(dhcp.counters).toMatchObject({ discoversIn: 1, offersOut: 1, requestsIn: 1, acksOut: 1 });
    expect(dhcp.leases()).toEqual([
      { address: "10.0.0.100", client: "02:00:00:00:01:01", expires: expect.any(Number) },
    ]);

    // The server connects to the leased address: ARP finds the client at it, and the bytes arrive intact.
    const listener = a.stack.listen(80);
    const accepted = listener.accept();
    const conn = await drive(clock, serverStack.connect("10.0.0.100", 80));
    const there = await drive(clock, accepted);
    expect(there.localAddr.address).toBe("10.0.0.100");
    expect(conn.localAddr.address).toBe("10.0.0.1");
    const data = patternBytes(256 * 1024, 5);
    const sent = (async () => {
      await conn.write(data);
      await conn.shutdown()[Symbol.asyncDispose]();
    })();
    const got = await drive(clock, readAll(there));
    await drive(clock, sent);
    expect(sha256(got)).toBe(sha256(data));

    // Closing RELEASEs the lease: the server's table is empty again.
    a.stack.close();
    await pass(clock, 10);
    expect(dhcp.counters.releasesIn).toBe(1);
    expect(dhcp.leases()).toEqual([]);
  });

  it("two clients get different addresses, and each reaches the other", async () => {
    const { clock, client } = dhcpLan();
    const a = client({ dhcp: { probe: false } });
    const b = client({ dhcp: { probe: false } });
    const [ra, rb] = await drive(clock, Promise.all([a.stack.ready, b.stack.ready]));
    expect(new Set([ra, rb]).size).toBe(2);
    const listener = b.stack.listen(7);
    const accepted = listener.accept();
    const conn = await drive(clock, a.stack.connect(rb, 7));
    const there = await drive(clock, accepted);
    expect(there.peerAddr.address).toBe(ra);
    conn.abort();
  });

  it("the lease's DNS server becomes the stack's resolver", async () => {
    const { clock, client, serverStack } = dhcpLan({ dns: "10.0.0.1" });
    const a = client({ dhcp: { probe: false } });
    await drive(clock, a.stack.ready);
    // A tiny DNS server on the server stack: answers every A query with 10.0.0.42.
    const socket = serverStack.udp({ port: 53 });
    void (async () => {
      for await (const q of socket) {
        const query = q.data;
        // The header and the question (its name's labels, type and class); no additional records.
        let end = 12;
        while (query[end] !== 0) end += query[end] + 1;
        end += 5;
        const answer = new Uint8Array(end + 16);
        answer.set(query.subarray(0, end));
        answer.set([0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0], 2);
        answer.set([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 42], end);
        await socket.send(answer, q.address, q.port);
      }
    })();
    const resolution = await drive(clock, a.stack.resolve("anything.test"));
    expect(resolution.addresses).toEqual(["10.0.0.42"]);
    socket.close();
  });

  it("an offered address someone already uses is found by the ARP probe, DECLINEd, and another one leased", async () => {
    const { clock, client, sw, dhcp } = dhcpLan();
    // A host with a static address in the pool, unknown to the server.
    const squatter = ethernetLink({ link: sw.port(), address: "10.0.0.100/24", clock });
    const squatterStack = new Stack({ address: "10.0.0.100", link: squatter, clock });
    clock.runUntilIdle();
    const a = client();
    expect(await drive(clock, a.stack.ready)).toBe("10.0.0.101");
    expect(a.stack.dhcp?.counters).toMatchObject({ conflicts: 1, declinesOut: 1, discoversOut: 2, acksIn: 2 });
    expect(dhcp.counters.declinesIn).toBe(1);
    // The squatter answered the probe as any ARP request for its address.
    expect(squatter.interface.arp.counters.repliesOut).toBe(1);
    squatterStack.close();
  });

  it("renews at T1 (the interface untouched), and when the server goes silent the lease ends: address and routes gone", async () => {
    const { clock, client, serverStack, dhcp } = dhcpLan({ leaseTime: 600 });
    const leases: (string | null)[] = [];
    const a = client({ dhcp: { probe: false, onLease: (l) => leases.push(l?.address ?? null) } });
    await drive(clock, a.stack.ready);
    const eth = a.link.interface;
    await pass(clock, 300_000);
    // T1: renewed by unicast; nothing changed, so no second announcement.
    expect(dhcp.counters.requestsIn).toBe(2);
    expect(a.stack.dhcp?.state).toBe("bound");
    expect(eth.arp.counters.announcementsOut).toBe(1);
    expect(leases).toEqual(["10.0.0.100"]);
    dhcp.close();
    // T1 again (600 s), T2 (825 s) by broadcast, then the end of the lease (900 s).
    await pass(clock, 300_000 + 225_000);
    expect(a.stack.dhcp?.state).toBe("rebinding");
    await pass(clock, 75_000);
    expect(a.stack.dhcp?.counters.expirations).toBe(1);
    expect(a.stack.address).toBe("0.0.0.0");
    expect(eth.address).toBe(0);
    expect(a.link.routes.lookup(parseIpv4("10.0.0.1"))).toBeNull();
    expect(leases).toEqual(["10.0.0.100", null]);
    await expect(a.stack.connect("10.0.0.1", 80)).rejects.toMatchObject({ code: "EADDRNOTAVAIL" });
    // A server again: the client, still DISCOVERing (at most 64 s apart), gets a lease.
    dhcpServer(serverStack, { pool: "10.0.0.150-10.0.0.151" });
    await pass(clock, 70_000);
    expect(a.stack.address).toBe("10.0.0.150");
    expect(leases).toEqual(["10.0.0.100", null, "10.0.0.150"]);
  });

  it("ready rejects with DhcpTimeoutError when no server answers; the client keeps trying with backoff", async () => {
    const [near] = memoryLinkPair();
    const { VirtualClock } = await import("../../src/clock/index.js");
    const clock = new VirtualClock(0);
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    const stack = new Stack({
      address: "dhcp",
      link: ethernetLink({ link: near, clock }),
      clock,
      dhcp: { timeout: 30_000 },
    });
    const counters = stack.dhcp?.counters;
    // The first DISCOVER goes at once.
    expect(counters?.discoversOut).toBe(1);
    const sentAt = [0];
    let last = 1;
    const timeout = stack.ready.then(
      () => null,
      (e: unknown) => e,
    );
    for (let t = 0; t < 30_000; t += 100) {
      await pass(clock, 100);
      if ((counters?.discoversOut ?? 0) > last) {
        last = counters?.discoversOut ?? 0;
        sentAt.push(clock.now());
      }
    }
    const error = await timeout;
    expect(error).toBeInstanceOf(DhcpTimeoutError);
    expect((error as DhcpTimeoutError).code).toBe("WS_DHCP_TIMEOUT");
    // RFC 2131 §4.1: 4, 8, 16 s apart (the jitter is 0 with random() = 0.5).
    expect(sentAt).toEqual([0, 4000, 12000, 28000]);
    // Still trying: 32 s later (t = 60 s), then 64 s apart, the cap (124, 188, 252 s).
    await pass(clock, 30_000 + 64_000 * 3);
    expect(counters?.discoversOut).toBe(8);
    expect(counters?.retransmissions).toBe(7);
    stack.close();
    random.mockRestore();
  });

  it("closing before a lease rejects ready with StackClosedError", async () => {
    const [near] = memoryLinkPair();
    const stack = new Stack({ address: "dhcp", link: ethernetLink({ link: near }) });
    stack.close();
    await expect(stack.ready).rejects.toBeInstanceOf(StackClosedError);
  });

  it('address: "dhcp" needs an Ethernet link; a connect before the lease is refused', async () => {
    const [near] = memoryLinkPair();
    expect(() => new Stack({ address: "dhcp", link: near })).toThrow(TypeError);
    const [eth] = memoryLinkPair();
    const stack = new Stack({ address: "dhcp", link: ethernetLink({ link: eth }) });
    await expect(stack.connect("10.0.0.1", 80)).rejects.toMatchObject({ code: "EADDRNOTAVAIL" });
    stack.close();
  });
});
