import { describe, expect, it } from "vitest";
import type { TcpListener } from "../../src/api/index.js";
import {
  frameMessage,
  FrameReader,
  NameNotFoundError,
  Resolver,
  ServerFailureError,
  type StreamConnector,
} from "../../src/dns/index.js";
import { DnsRcode, type DnsMessage, parseDnsMessage } from "../../src/wire/index.js";
import { MemorySink, PcapngWriter } from "../../src/pcap/index.js";
import { drive, pass, stackPair } from "../api/helpers.js";
import { judgeCapture, tsharkFields } from "../helpers/tshark.js";
import { describeWith } from "../helpers/tools.js";
import { a, encode, FakeDnsNetwork, reply, seededRandom } from "./fake-network.js";

/**
 * A tiny DNS-over-TCP server on a wirestate listener (RFC 7766): reads length-prefixed queries, writes
 * length-prefixed answers, closes when the client does. `mode` breaks it on purpose.
 */
function serveDns(
  listener: TcpListener,
  answer: (q: DnsMessage) => DnsMessage,
  mode: { cutAfter?: number } = {},
): { queries: DnsMessage[] } {
  const queries: DnsMessage[] = [];
  void (async () => {
    for await (const conn of listener) {
      void (async () => {
        const frames = new FrameReader();
        for (;;) {
          const r = await conn.read();
          if (r.done) {
            await r.stream.close();
            return;
          }
          for (const q of frames.push(r.value)) {
            const parsed = parseDnsMessage(q);
            if (!parsed.ok) throw new Error(parsed.reason);
            queries.push(parsed.message);
            const framed = frameMessage(encode(answer(parsed.message)));
            if (mode.cutAfter === undefined) await conn.write(framed);
            else {
              await conn.write(framed.subarray(0, mode.cutAfter));
              await conn.close();
              return;
            }
          }
        }
      })().catch(() => {});
    }
  })().catch(() => {});
  return { queries };
}

const MANY = Array.from({ length: 60 }, (_, i) => a("big.test", `10.20.${i >> 8}.${i & 255}`));

describe("DNS over a real wirestate TCP connection (RFC 7766)", () => {
  it("a truncated UDP answer is asked again over TCP and the full answer (over 512 bytes) arrives", async () => {
    const p = stackPair({ delay: 5 });
    const server = serveDns(p.server.listen(53), (q) => reply(q, MANY));
    const udp = new FakeDnsNetwork(p.clock);
    udp.serve("10.0.0.2", (q) => reply(q, MANY.slice(0, 10), { tc: true }));
    // TcpStream<"Established"> is a StreamConnection as it stands: the hook needs no adapter.
    const tcp: StreamConnector = (address, port) => p.client.connect(address, port);
    const resolver = new Resolver({ servers: ["10.0.0.2"], clock: p.clock, udp, tcp, random: seededRandom(5) });
    const r = await drive(p.clock, resolver.resolve("big.test"));
    expect(encode(reply(server.queries[0], MANY)).length).toBeGreaterThan(512);
    expect(r.addresses).toEqual(MANY.map((rec) => (rec.data.kind === "A" ? rec.data.address : "")));
    expect(server.queries).toHaveLength(1);
    expect(server.queries[0].id).not.toBe(udp.sent[0].query.id);
    expect(resolver.counters).toMatchObject({ truncated: 1, tcpQueries: 1 });
    // The resolver closes after its answer: the server's side goes through LAST-ACK to CLOSED, no RST.
    await pass(p.clock, 1_000);
    expect(p.server.connectionCount).toBe(0);
    expect(p.client.counters.resetsSent + p.server.counters.resetsSent).toBe(0);
  });

  it("TCP as the only transport: NXDOMAIN arrives as NameNotFoundError", async () => {
    const p = stackPair({ delay: 5 });
    serveDns(p.server.listen(53), (q) => reply(q, [], { rcode: DnsRcode.NXDOMAIN }));
    const resolver = new Resolver({
      servers: ["10.0.0.2"],
      clock: p.clock,
      tcp: (h, port) => p.client.connect(h, port),
    });
    const err = await drive(p.clock, resolver.resolve("gone.test")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NameNotFoundError);
  });

  it("a server that closes mid-message, or refuses the connection, is a server failure (no hang)", async () => {
    const p = stackPair({ delay: 5 });
    serveDns(p.server.listen(53), (q) => reply(q, MANY), { cutAfter: 100 });
    const tcp: StreamConnector = (h, port) => p.client.connect(h, port);
    const cut = new Resolver({ servers: ["10.0.0.2"], clock: p.clock, tcp, attempts: 1 });
    const err = await drive(p.clock, cut.resolve("big.test")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerFailureError);
    expect((err as Error).message).toMatch(/closed the connection 100 bytes into a message/);
    const refused = new Resolver({ servers: ["10.0.0.2:54"], clock: p.clock, tcp, attempts: 1 });
    const err2 = await drive(p.clock, refused.resolve("big.test")).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ServerFailureError);
    expect((err2 as ServerFailureError).cause?.constructor.name).toBe("ConnectionRefusedError");
  });
});

describeWith(["tshark"], "Wireshark reads the resolver's DNS over TCP", () => {
  it("the query and a compressed 60-record answer dissect cleanly, every address in place", async () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink);
    const p = stackPair({ delay: 5 }, { capture: writer });
    serveDns(p.server.listen(53), (q) => reply(q, MANY));
    const resolver = new Resolver({
      servers: ["10.0.0.2"],
      clock: p.clock,
      tcp: (h, port) => p.client.connect(h, port),
    });
    await drive(p.clock, resolver.resolve("big.test"));
    await pass(p.clock, 1_000);
    await writer.close();
    const capture = sink.bytes();
    expect(judgeCapture(capture)).toEqual([]);
    const dns = tsharkFields(capture, ["dns.flags.response", "dns.qry.name", "dns.count.answers", "dns.a"], ",").filter(
      ([, name]) => name !== "",
    );
    expect(dns.map(([response, name, count]) => `${response} ${name} ${count}`)).toEqual([
      "0 big.test 0",
      "1 big.test 60",
    ]);
    expect(dns[1][3].split(",")).toEqual(MANY.map((rec) => (rec.data.kind === "A" ? rec.data.address : "")));
  });
});
