import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import {
  checkHostname,
  CnameChainError,
  DnsError,
  DnsTimeoutError,
  frameMessage,
  FrameReader,
  InvalidHostnameError,
  NameNotFoundError,
  NoRecordsError,
  Resolver,
  type ResolverOptions,
  ResolverClosedError,
  ServerFailureError,
  type StreamConnection,
  TruncatedResponseError,
} from "../../src/dns/index.js";
import { DnsRcode, parseDnsMessage } from "../../src/wire/index.js";
import { drive } from "../api/helpers.js";
import { a, cname, encode, FakeDnsNetwork, reply, seededRandom, soa } from "./fake-network.js";

const S1 = "10.0.0.53";
const S2 = "10.0.1.53";

function setup(options: Partial<ResolverOptions> = {}) {
  const clock = new VirtualClock(0);
  const net = new FakeDnsNetwork(clock);
  const resolver = new Resolver({ servers: [S1, S2], clock, udp: net, random: seededRandom(14), ...options });
  const run = <T>(p: Promise<T>) => drive(clock, p);
  /** The error `p` rejects with (fails the test when it resolves). */
  const failure = async (p: Promise<unknown>): Promise<DnsError> => {
    const err = await run(p).then(
      (v) => {
        throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DnsError);
    return err as DnsError;
  };
  return { clock, net, resolver, run, failure };
}

describe("the stub resolver over UDP", () => {
  it("asks for an A record with RD set, from a random source port and ID, and returns the addresses", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) =>
      reply(q, [a("host.test", "10.1.2.3"), a("host.test", "10.1.2.4"), a("host.test", "10.1.2.3")]),
    );
    const r = await run(resolver.resolve("Host.Test."));
    expect(r).toEqual({
      hostname: "Host.Test.",
      canonicalName: "host.test",
      type: "A",
      addresses: ["10.1.2.3", "10.1.2.4"],
      ttl: 300,
    });
    expect(net.sent).toHaveLength(1);
    const { query, to, toPort, fromPort } = net.sent[0];
    expect([to, toPort]).toEqual([S1, 53]);
    expect(fromPort).toBeGreaterThanOrEqual(1024);
    expect(query.rd).toBe(true);
    expect(query.questions).toEqual([{ name: "host.test", type: 1, class: 1 }]);
    expect(net.openPorts).toEqual([]); // the query's socket is closed once answered
  });

  it("draws a new ID and source port for every lookup", async () => {
    const { net, resolver, run } = setup({ random: undefined }); // crypto.getRandomValues
    net.serve(S1, (q) => reply(q, [a(q.questions[0].name, "10.0.0.1")]));
    for (let i = 0; i < 20; i++) await run(resolver.resolve(`h${i}.test`));
    expect(new Set(net.sent.map((s) => s.query.id)).size).toBeGreaterThan(15);
    expect(new Set(net.sent.map((s) => s.fromPort)).size).toBeGreaterThan(15);
  });

  it("binds another random port when the first is taken", async () => {
    const random = seededRandom(3);
    const first = 1024 + (seededRandom(3)() % (65536 - 1024));
    const { net, resolver, run } = setup({ random });
    net.taken.add(first);
    net.serve(S1, (q) => reply(q, [a("x.test", "10.0.0.9")]));
    await run(resolver.resolve("x.test"));
    expect(net.sent[0].fromPort).not.toBe(first);
  });

  it("takes servers as ADDRESS, ADDRESS:PORT or { address, port }, in canonical form, and refuses others", async () => {
    const { clock, net } = setup();
    net.serve("10.0.0.53", (q) => reply(q, [a("p.test", "10.0.0.1")]), 5353);
    const r = new Resolver({ servers: ["10.0.0.053:5353"], clock, udp: net, random: seededRandom(2) });
    expect((await drive(clock, r.resolve("p.test"))).addresses).toEqual(["10.0.0.1"]);
    expect(() => new Resolver({ servers: [{ address: "10.0.0.1", port: 0 }], clock, udp: net })).toThrow(RangeError);
    for (const bad of ["10.0.0.1:53:1", "name.test", "10.0.0.1:"]) {
      expect(() => new Resolver({ servers: [bad], clock, udp: net }), bad).toThrow(TypeError);
    }
    expect(() => new Resolver({ servers: [], clock, udp: net })).toThrow(RangeError);
    expect(() => new Resolver({ servers: ["10.0.0.1"], clock })).toThrow(TypeError);
  });

  it("a dotted quad is its own answer, with no query", async () => {
    const { net, resolver, run } = setup();
    expect((await run(resolver.resolve("192.0.2.7"))).addresses).toEqual(["192.0.2.7"]);
    expect(net.sent).toHaveLength(0);
  });

  it("checks names by RFC 1123 before asking", async () => {
    const { net, resolver, failure } = setup();
    for (const bad of [
      "",
      "a..b",
      "-a.test",
      "a-.test",
      "a_b.test",
      `${"a".repeat(64)}.test`,
      "1.2.3.999",
      "b\u00fccher.test",
      "\u212A.test",
      `${"a.".repeat(127)}ab`,
    ]) {
      expect(await failure(resolver.resolve(bad)), bad).toBeInstanceOf(InvalidHostnameError);
    }
    expect(net.sent).toHaveLength(0);
    expect(checkHostname("3COM.com.")).toBe("3com.com");
    expect(checkHostname(`${"a".repeat(63)}.test`)).toHaveLength(68);
  });
});

describe("EDNS(0) (RFC 6891)", () => {
  const optOf = (m: { additionals: Array<{ type: number; class: number; name: string }> }) =>
    m.additionals.filter((r) => r.type === 41).map((r) => `${r.name} ${r.class}`);

  it("UDP queries advertise a 1232-byte payload by default, another size when asked, none with false", async () => {
    for (const [udpPayload, want] of [
      [undefined, [". 1232"]],
      [4096, [". 4096"]],
      [false, []],
    ] as const) {
      const { net, resolver, run } = setup({ udpPayload });
      net.serve(S1, (q) => reply(q, [a("e.test", "10.0.0.1")]));
      await run(resolver.resolve("e.test"));
      expect(optOf(net.sent[0].query), String(udpPayload)).toEqual(want);
    }
    expect(() => setup({ udpPayload: 511 })).toThrow(RangeError);
  });

  it("a server answering FORMERR without an OPT is asked again, and from then on, without EDNS", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) =>
      optOf(q).length > 0 ? reply(q, [], { rcode: DnsRcode.FORMERR }) : reply(q, [a(q.questions[0].name, "10.0.0.1")]),
    );
    expect((await run(resolver.resolve("old.test"))).addresses).toEqual(["10.0.0.1"]);
    await run(resolver.resolve("old2.test"));
    expect(net.sent.map((s) => `${s.to} ${optOf(s.query).length}`)).toEqual([`${S1} 1`, `${S1} 0`, `${S1} 0`]);
  });

  it("FORMERR with an OPT is the server's failure, not EDNS's: the next server is asked", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) => ({ ...reply(q, [], { rcode: DnsRcode.FORMERR }), additionals: q.additionals }));
    net.serve(S2, (q) => reply(q, [a("f.test", "10.0.0.2")]));
    expect((await run(resolver.resolve("f.test"))).addresses).toEqual(["10.0.0.2"]);
    expect(net.sent.map((s) => `${s.to} ${optOf(s.query).length}`)).toEqual([`${S1} 1`, `${S2} 1`]);
  });
});

describe("caching", () => {
  it("answers from the cache until the TTL runs out, then asks again", async () => {
    const { clock, net, resolver, run } = setup();
    net.serve(S1, (q) => reply(q, [a("c.test", "10.0.0.1", 60)]));
    await run(resolver.resolve("c.test"));
    clock.advance(59_000);
    const cached = await run(resolver.resolve("C.TEST"));
    expect(cached.ttl).toBe(1);
    expect(net.sent).toHaveLength(1);
    expect(resolver.counters.cacheHits).toBe(1);
    clock.advance(1_000);
    await run(resolver.resolve("c.test"));
    expect(net.sent).toHaveLength(2);
  });

  it("caps TTLs at maxTtl, reads a TTL with the top bit set as 0 (not cached), and keeps at most cacheSize names", async () => {
    const { clock, net, resolver, run } = setup({ maxTtl: 10, cacheSize: 2 });
    net.serve(S1, (q) => {
      const name = q.questions[0].name;
      return reply(q, [a(name, "10.0.0.1", name === "zero.test" ? 0x80000000 : 86400)]);
    });
    expect((await run(resolver.resolve("long.test"))).ttl).toBe(10);
    await run(resolver.resolve("zero.test"));
    await run(resolver.resolve("zero.test"));
    expect(net.sent).toHaveLength(3);
    await run(resolver.resolve("b.test"));
    await run(resolver.resolve("long.test")); // a hit: long.test is now the most recently used
    expect(net.sent).toHaveLength(4);
    await run(resolver.resolve("c.test")); // full: b.test, the least recently used, goes
    expect(resolver.cacheSize).toBe(2);
    await run(resolver.resolve("long.test"));
    expect(net.sent).toHaveLength(5);
    await run(resolver.resolve("b.test"));
    expect(net.sent).toHaveLength(6);
    clock.advance(10_000);
    await run(resolver.resolve("long.test"));
    expect(net.sent).toHaveLength(7);
  });

  it("two lookups of one name at once send one query", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) => reply(q, [a("same.test", "10.0.0.1")]));
    const [x, y] = await run(Promise.all([resolver.resolve("same.test"), resolver.resolve("SAME.test")]));
    expect(x.addresses).toEqual(y.addresses);
    expect([x.hostname, y.hostname]).toEqual(["same.test", "SAME.test"]);
    expect(net.sent).toHaveLength(1);
  });
});

describe("CNAME chains", () => {
  it("follows a chain within one answer; the TTL is the chain's smallest", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) =>
      reply(q, [
        cname("www.test", "edge.cdn.test", 120),
        cname("edge.cdn.test", "n1.cdn.test", 30),
        a("n1.cdn.test", "10.9.9.9", 600),
      ]),
    );
    const r = await run(resolver.resolve("www.test"));
    expect(r).toMatchObject({ canonicalName: "n1.cdn.test", addresses: ["10.9.9.9"], ttl: 30 });
    expect(net.sent).toHaveLength(1);
  });

  it("asks for the chain's end itself when the answer stops at a CNAME", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) => {
      const name = q.questions[0].name;
      return reply(q, name === "alias.test" ? [cname("alias.test", "Real.Other.Test")] : [a(name, "10.4.4.4")]);
    });
    const r = await run(resolver.resolve("alias.test"));
    expect(r).toMatchObject({ canonicalName: "real.other.test", addresses: ["10.4.4.4"] });
    expect(net.sent.map((s) => s.query.questions[0].name)).toEqual(["alias.test", "real.other.test"]);
  });

  it("ignores records about names not on the chain", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) => reply(q, [a("victim.test", "6.6.6.6"), a("asked.test", "10.0.0.1")]));
    expect((await run(resolver.resolve("asked.test"))).addresses).toEqual(["10.0.0.1"]);
    await run(resolver.resolve("asked.test"));
    expect(resolver.cacheSize).toBe(1);
  });

  it("a loop and an over-long chain are CnameChainError", async () => {
    const { net, resolver, failure } = setup({ maxCnameHops: 3 });
    net.serve(S1, (q) => {
      const name = q.questions[0].name;
      if (name.startsWith("loop"))
        return reply(q, [cname("loop1.test", "loop2.test"), cname("loop2.test", "LOOP1.test")]);
      const n = Number(name.slice(1, 2));
      return reply(q, [cname(name, `c${n + 1}.test`)]);
    });
    const loop = await failure(resolver.resolve("loop1.test"));
    expect(loop).toBeInstanceOf(CnameChainError);
    expect(loop.message).toMatch(/loops at loop1.test/);
    const long = await failure(resolver.resolve("c0.test"));
    expect(long).toBeInstanceOf(CnameChainError);
    expect(net.sent.filter((s) => s.query.questions[0].name.startsWith("c"))).toHaveLength(4);
  });
});

describe("negative answers", () => {
  it("NXDOMAIN is NameNotFoundError, cached for min(SOA TTL, MINIMUM)", async () => {
    const { clock, net, resolver, failure } = setup();
    net.serve(S1, (q) => reply(q, [], { rcode: DnsRcode.NXDOMAIN, authorities: [soa("test", 900, 30)] }));
    const err = await failure(resolver.resolve("gone.test"));
    expect(err).toBeInstanceOf(NameNotFoundError);
    expect(err.hostname).toBe("gone.test");
    expect(await failure(resolver.resolve("gone.test"))).toBeInstanceOf(NameNotFoundError);
    expect(net.sent).toHaveLength(1);
    clock.advance(30_000);
    await failure(resolver.resolve("gone.test"));
    expect(net.sent).toHaveLength(2);
  });

  it("NXDOMAIN without an SOA is not cached; an SOA of an unrelated zone does not count", async () => {
    const { net, resolver, failure } = setup();
    net.serve(S1, (q) => reply(q, [], { rcode: DnsRcode.NXDOMAIN, authorities: [soa("elsewhere", 900, 900)] }));
    await failure(resolver.resolve("gone.test"));
    await failure(resolver.resolve("gone.test"));
    expect(net.sent).toHaveLength(2);
  });

  it("NXDOMAIN at the end of a chain names the chain", async () => {
    const { net, resolver, failure } = setup();
    net.serve(S1, (q) => reply(q, [cname("dangling.test", "nowhere.test")], { rcode: DnsRcode.NXDOMAIN }));
    const err = await failure(resolver.resolve("dangling.test"));
    expect(err).toBeInstanceOf(NameNotFoundError);
    expect(err.message).toMatch(/via nowhere.test/);
  });

  it("NOERROR with no A record (NODATA) is NoRecordsError", async () => {
    const { net, resolver, failure } = setup();
    net.serve(S1, (q) => reply(q, [], { authorities: [soa("test", 60, 60)] }));
    expect(await failure(resolver.resolve("v6only.test"))).toBeInstanceOf(NoRecordsError);
  });
});

describe("servers, timeouts and retries", () => {
  it("SERVFAIL from the first server: the second answers", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) => reply(q, [], { rcode: DnsRcode.SERVFAIL }));
    net.serve(S2, (q) => reply(q, [a("h.test", "10.0.0.2")]));
    expect((await run(resolver.resolve("h.test"))).addresses).toEqual(["10.0.0.2"]);
    expect(net.sent.map((s) => s.to)).toEqual([S1, S2]);
  });

  it("every server failing is ServerFailureError with the RCODE, after every attempt", async () => {
    const { net, resolver, failure } = setup({ attempts: 3 });
    net.serve(S1, (q) => reply(q, [], { rcode: DnsRcode.SERVFAIL }));
    net.serve(S2, (q) => reply(q, [], { rcode: DnsRcode.REFUSED }));
    const err = await failure(resolver.resolve("h.test"));
    expect(err).toBeInstanceOf(ServerFailureError);
    expect((err as ServerFailureError).rcode).toBe(DnsRcode.REFUSED);
    expect(err.message).toMatch(/REFUSED/);
    expect(net.sent).toHaveLength(6);
  });

  it("a silent server is skipped after the timeout", async () => {
    const { clock, net, resolver, run } = setup({ timeout: 1500 });
    net.serve(S2, (q) => reply(q, [a("h.test", "10.0.0.2")]));
    const r = await run(resolver.resolve("h.test"));
    expect(r.addresses).toEqual(["10.0.0.2"]);
    expect(clock.now()).toBe(1500 + 10);
    expect(resolver.counters.timeouts).toBe(1);
  });

  it("no answer from anyone is DnsTimeoutError after attempts x servers x timeout", async () => {
    const { clock, net, resolver, failure } = setup({ timeout: 1000, attempts: 2 });
    const err = await failure(resolver.resolve("h.test"));
    expect(err).toBeInstanceOf(DnsTimeoutError);
    expect(clock.now()).toBe(4000);
    expect(net.sent.map((s) => s.to)).toEqual([S1, S2, S1, S2]);
    expect(new Set(net.sent.map((s) => s.query.id)).size).toBe(4);
    expect(new Set(net.sent.map((s) => s.fromPort)).size).toBe(1);
    expect(net.openPorts).toEqual([]);
  });

  it("a late answer from the first server is taken while waiting for the second", async () => {
    const { clock, net, resolver, run } = setup({ timeout: 1000 });
    net.serve(S1, (q) => {
      net.inject(net.sent[0].fromPort, encode(reply(q, [a("h.test", "10.0.0.1")])), S1, 53, 1200);
      return null;
    });
    const r = await run(resolver.resolve("h.test"));
    expect(r.addresses).toEqual(["10.0.0.1"]);
    expect(clock.now()).toBe(5 + 1200);
    expect(net.sent.map((s) => s.to)).toEqual([S1, S2]);
  });
  it("an answer arriving in the instant its timeout fires is still taken", async () => {
    const { clock, net, resolver, run } = setup({ timeout: 1000, attempts: 1 });
    net.serve(S1, (q) => {
      // Delivered at t = 1000, by a timer scheduled after the attempt's timeout for that same instant.
      net.inject(net.sent[0].fromPort, encode(reply(q, [a("h.test", "10.0.0.1")])), S1, 53, 1000 - clock.now());
      return null;
    });
    expect((await run(resolver.resolve("h.test"))).addresses).toEqual(["10.0.0.1"]);
    expect(clock.now()).toBe(1000);
    expect(net.sent.map((s) => s.to)).toEqual([S1]);
  });
});

describe("RFC 5452: an answer must come from the server asked, with the ID and question asked", () => {
  it("forgeries are dropped and counted; the real answer is then taken", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) => {
      const port = net.sent[0].fromPort;
      const forged = (m: typeof q) => encode(reply(m, [a("bank.test", "6.6.6.6")]));
      net.inject(port, forged({ ...q, id: (q.id + 1) & 0xffff }), S1, 53, 1);
      net.inject(port, forged(q), "10.6.6.6", 53, 1);
      net.inject(port, forged(q), S1, 5353, 1);
      net.inject(port, forged({ ...q, questions: [{ ...q.questions[0], name: "other.test" }] }), S1, 53, 1);
      net.inject(port, forged({ ...q, questions: [{ ...q.questions[0], type: 28 }] }), S1, 53, 1);
      net.inject(port, encode({ ...reply(q, [a("bank.test", "6.6.6.6")]), qr: false }), S1, 53, 1);
      net.inject(port, encode(reply(q, [a("bank.test", "6.6.6.6")])).subarray(0, 20), S1, 53, 1);
      net.inject(port, new Uint8Array(3), S1, 53, 1);
      return reply(q, [a("bank.test", "10.0.0.80")]);
    });
    const r = await run(resolver.resolve("bank.test"));
    expect(r.addresses).toEqual(["10.0.0.80"]);
    expect(resolver.counters).toMatchObject({ received: 9, mismatched: 7, malformed: 1 });
  });

  it("the question's name matches case-insensitively", async () => {
    const { net, resolver, run } = setup();
    net.serve(S1, (q) =>
      reply({ ...q, questions: [{ ...q.questions[0], name: "MiXeD.TeSt" }] }, [a("mixed.test", "10.0.0.1")]),
    );
    expect((await run(resolver.resolve("mixed.test"))).addresses).toEqual(["10.0.0.1"]);
  });
});

/** A DNS-over-TCP server in memory: every connection answers one framed query with `handler`'s reply. */
function memoryTcp(handler: (q: ReturnType<typeof parseDnsMessage>) => Uint8Array | null) {
  const connections: Array<{ address: string; port: number; closed: boolean }> = [];
  const connect = async (address: string, port: number): Promise<StreamConnection> => {
    const record = { address, port, closed: false };
    connections.push(record);
    const frames = new FrameReader();
    let pending: Uint8Array[] = [];
    let wake: (() => void) | null = null;
    return {
      async write(data) {
        for (const q of frames.push(data)) {
          const answer = handler(parseDnsMessage(q));
          if (answer !== null) {
            pending.push(frameMessage(answer).subarray(0, 7), frameMessage(answer).subarray(7)); // two chunks
          }
        }
        wake?.();
      },
      async read() {
        while (pending.length === 0) await new Promise<void>((r) => (wake = r));
        const value = pending[0];
        pending = pending.slice(1);
        return { done: false as const, value };
      },
      close: async () => void (record.closed = true),
      abort: () => void (record.closed = true),
    };
  };
  return { connect, connections };
}

describe("truncated answers and TCP", () => {
  it("TC over UDP: asked again over TCP at the same server", async () => {
    const many = Array.from({ length: 40 }, (_, i) => a("big.test", `10.0.${i >> 8}.${i & 255}`));
    const tcp = memoryTcp((p) => (p.ok ? encode(reply(p.message, many)) : null));
    const { net, resolver, run } = setup({ tcp: tcp.connect });
    net.serve(S1, (q) => reply(q, many.slice(0, 3), { tc: true }));
    const r = await run(resolver.resolve("big.test"));
    expect(r.addresses).toHaveLength(40);
    expect(tcp.connections).toEqual([{ address: S1, port: 53, closed: true }]);
    expect(resolver.counters).toMatchObject({ truncated: 1, tcpQueries: 1, udpQueries: 1 });
  });

  it("a TC answer cut mid-record still sends the query to TCP", async () => {
    const tcp = memoryTcp((p) => (p.ok ? encode(reply(p.message, [a("cut.test", "10.0.0.7")])) : null));
    const { net, resolver, run } = setup({ tcp: tcp.connect });
    net.serve(S1, (q) => encode(reply(q, [a("cut.test", "10.0.0.1")], { tc: true })).subarray(0, 40));
    expect((await run(resolver.resolve("cut.test"))).addresses).toEqual(["10.0.0.7"]);
  });

  it("TC with no TCP to ask is TruncatedResponseError", async () => {
    const { net, resolver, failure } = setup({ servers: [S1] });
    net.serve(S1, (q) => reply(q, [], { tc: true }));
    expect(await failure(resolver.resolve("big.test"))).toBeInstanceOf(TruncatedResponseError);
  });

  it("TCP only (no UDP): every query goes over TCP; an answer to another question is a server failure", async () => {
    const clock = new VirtualClock(0);
    let wrong = false;
    const tcp = memoryTcp((p) => {
      if (!p.ok) return null;
      const q = wrong ? { ...p.message, questions: [{ ...p.message.questions[0], name: "evil.test" }] } : p.message;
      return encode(reply(q, [a("t.test", "10.0.0.3")]));
    });
    const resolver = new Resolver({ servers: [S1], clock, tcp: tcp.connect, attempts: 1 });
    expect((await drive(clock, resolver.resolve("t.test"))).addresses).toEqual(["10.0.0.3"]);
    wrong = true;
    const err = await drive(clock, resolver.resolve("u.test")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerFailureError);
    expect(String((err as Error).message)).toMatch(/not to our question/);
  });

  it("a TCP server that never answers times out and the connection is aborted", async () => {
    const tcp = memoryTcp(() => null);
    const { clock, net, resolver, failure } = setup({ tcp: tcp.connect, servers: [S1], attempts: 1, timeout: 800 });
    net.serve(S1, (q) => reply(q, [], { tc: true }));
    expect(await failure(resolver.resolve("slow.test"))).toBeInstanceOf(DnsTimeoutError);
    expect(clock.now()).toBe(10 + 800);
    expect(tcp.connections[0].closed).toBe(true);
  });
});

describe("closing", () => {
  it("close() ends a lookup under way with ResolverClosedError and releases its socket", async () => {
    const { clock, net, resolver } = setup();
    const pending = resolver.resolve("h.test");
    const caught = pending.catch((e: unknown) => e);
    await drive(clock, new Promise((r) => clock.schedule(100, () => r(undefined))));
    expect(net.openPorts).toHaveLength(1);
    resolver.close();
    expect(await caught).toBeInstanceOf(ResolverClosedError);
    expect(net.openPorts).toEqual([]);
    await expect(resolver.resolve("h.test")).rejects.toBeInstanceOf(ResolverClosedError);
  });
});
