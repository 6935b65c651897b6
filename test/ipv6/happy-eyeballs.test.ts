/** RFC 8305 in `connect(name)`: AAAA and A at once, attempts interleaved and 250 ms apart, first wins. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { Stack } from "../../src/api/index.js";
import { memoryLinkPair } from "../../src/link/memory.js";
import { interleave } from "../../src/api/happy-eyeballs.js";
import { buildDnsMessage, DnsRcode, DnsType, parseDnsMessage, type DnsRecord } from "../../src/wire/index.js";
import { drive } from "../api/helpers.js";

/** A DNS server on `stack` port 53: A and AAAA answers from `zone`, each after `delays[type]` ms. */
function serveDns(
  stack: Stack,
  clock: VirtualClock,
  zone: { A?: string[]; AAAA?: string[] },
  delays: { A?: number; AAAA?: number } = {},
): string[] {
  const asked: string[] = [];
  const socket = stack.udp({ port: 53 });
  void (async () => {
    for await (const q of socket) {
      const parsed = parseDnsMessage(q.data);
      if (!parsed.ok) continue;
      const question = parsed.message.questions[0];
      const type = question.type === DnsType.AAAA ? "AAAA" : "A";
      asked.push(type);
      const answers: DnsRecord[] = (zone[type] ?? []).map((address) => ({
        name: question.name,
        type: question.type,
        class: 1,
        ttl: 60,
        data: { kind: type, address },
      }));
      const reply = buildDnsMessage({
        ...parsed.message,
        qr: true,
        ra: true,
        rcode: DnsRcode.NOERROR,
        answers,
        additionals: [],
      });
      if (reply.ok) clock.schedule(delays[type] ?? 0, () => socket.send(reply.bytes, q.address, q.port));
    }
  })();
  return asked;
}

function dualPair() {
  const clock = new VirtualClock(1_700_000_000_000);
  const links = memoryLinkPair({ delay: 5, clock });
  const isnKey = new Uint8Array(16).fill(7);
  const client = new Stack({ address: ["10.0.0.1", "fd00::1/64"], link: links[0], clock, isnKey, dns: ["10.0.0.2"] });
  const server = new Stack({ address: ["10.0.0.2", "fd00::2/64"], link: links[1], clock, isnKey });
  return { clock, client, server };
}

describe("happy eyeballs (RFC 8305)", () => {
  it("interleaves the families, IPv6 first (§4)", () => {
    expect(interleave(["a", "b", "c"], ["1"])).toEqual(["a", "1", "b", "c"]);
  });

  it("asks AAAA and A at once and connects over IPv6 when both answer", async () => {
    const { clock, client, server } = dualPair();
    const asked = serveDns(server, clock, { A: ["10.0.0.2"], AAAA: ["fd00::2"] });
    server.listen(80);
    const conn = await drive(clock, client.connect("www.name.test", 80));
    expect(asked.sort()).toEqual(["A", "AAAA"]);
    expect(conn.peerAddr).toMatchObject({ address: "fd00::2", family: "IPv6" });
  });

  it("an IPv6 address that does not answer: the IPv4 attempt starts 250 ms later and wins", async () => {
    const { clock, client, server } = dualPair();
    serveDns(server, clock, { A: ["10.0.0.2"], AAAA: ["fd00::99"] });
    server.listen(80);
    const start = clock.now();
    const conn = await drive(clock, client.connect("www.name.test", 80));
    expect(conn.peerAddr).toMatchObject({ address: "10.0.0.2", family: "IPv4" });
    // 250 ms of attempt delay plus the round trips: not the seconds a SYN retransmission would take.
    expect(clock.now() - start).toBeLessThan(400);
    expect(client.connectionCount).toBe(1);
  });

  it("A before AAAA: the resolution delay (50 ms) lets a slightly late AAAA go first", async () => {
    const { clock, client, server } = dualPair();
    serveDns(server, clock, { A: ["10.0.0.2"], AAAA: ["fd00::2"] }, { AAAA: 30 });
    server.listen(80);
    const conn = await drive(clock, client.connect("www.name.test", 80));
    expect(conn.peerAddr.family).toBe("IPv6");
  });

  it("AAAA much later than A: IPv4 is tried without it", async () => {
    const { clock, client, server } = dualPair();
    serveDns(server, clock, { A: ["10.0.0.2"], AAAA: ["fd00::2"] }, { AAAA: 2000 });
    server.listen(80);
    const conn = await drive(clock, client.connect("www.name.test", 80));
    expect(conn.peerAddr.family).toBe("IPv4");
  });

  it("one family without records: the other's addresses alone", async () => {
    const { clock, client, server } = dualPair();
    serveDns(server, clock, { AAAA: ["fd00::2"] });
    server.listen(80);
    const conn = await drive(clock, client.connect("www.name.test", 80));
    expect(conn.peerAddr.address).toBe("fd00::2");
  });

  it("ping(name) asks both families and pings the first address in RFC 8305's order", async () => {
    const { clock, client, server } = dualPair();
    const asked = serveDns(server, clock, { A: ["10.0.0.2"], AAAA: ["fd00::2"] });
    const ping = client.ping("www.name.test", { count: 1 });
    const first = await drive(clock, ping.next());
    expect(asked.sort()).toEqual(["A", "AAAA"]);
    expect(first.value).toMatchObject({ ok: true, address: "fd00::2" });
  });

  it("ping(name) with no AAAA record pings the IPv4 address", async () => {
    const { clock, client, server } = dualPair();
    serveDns(server, clock, { A: ["10.0.0.2"] });
    const first = await drive(clock, client.ping("www.name.test", { count: 1 }).next());
    expect(first.value).toMatchObject({ ok: true, address: "10.0.0.2" });
  });
});
