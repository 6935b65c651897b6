/** Stack({ dns }): names resolved by the i14-dns resolver over the stack's own UDP, then connected to. */
import { describe, expect, it } from "vitest";
import { NameNotFoundError, type Stack } from "../../src/api/index.js";
import { buildDnsMessage, DnsRcode, DnsType, parseDnsMessage } from "../../src/wire/index.js";
import { drive, stackPair } from "./helpers.js";

/** A DNS server on `stack` port 53 answering A queries from `zone`, NXDOMAIN otherwise; returns the names asked. */
function serveDns(stack: Stack, zone: Record<string, string>): string[] {
  const asked: string[] = [];
  const socket = stack.udp({ port: 53 });
  void (async () => {
    for await (const q of socket) {
      const parsed = parseDnsMessage(q.data);
      if (!parsed.ok) continue;
      const query = parsed.message;
      const question = query.questions[0];
      asked.push(question.name);
      const address = zone[question.name.toLowerCase()];
      const reply = buildDnsMessage({
        ...query,
        qr: true,
        ra: true,
        rcode: address === undefined ? DnsRcode.NXDOMAIN : 0,
        answers:
          address === undefined
            ? []
            : [{ name: question.name, type: DnsType.A, class: 1, ttl: 60, data: { kind: "A", address } }],
        additionals: [],
      });
      if (reply.ok) socket.send(reply.bytes, q.address, q.port);
    }
  })();
  return asked;
}

describe("DNS over the stack's UDP", () => {
  it("resolve() asks the configured server and caches the answer", async () => {
    const { clock, client, server } = stackPair({ delay: 5 }, { dns: ["10.0.0.2"] });
    const asked = serveDns(server, { "www.name.test": "10.0.0.2" });
    const answer = await drive(clock, client.resolve("www.name.test"));
    expect(answer).toMatchObject({ hostname: "www.name.test", addresses: ["10.0.0.2"], ttl: 60 });
    await drive(clock, client.resolve("www.name.test"));
    expect(asked).toEqual(["www.name.test"]);
  });

  it("connect() by name: the lookup, then the handshake to the address it gave", async () => {
    const { clock, client, server } = stackPair({ delay: 5 }, { dns: ["10.0.0.2"] });
    serveDns(server, { "web.name.test": "10.0.0.2" });
    const listener = server.listen(80);
    const conn = await drive(clock, client.connect("web.name.test", 80));
    expect(conn.peerAddr).toEqual({ address: "10.0.0.2", port: 80, family: "IPv4" });
    const accepted = await drive(clock, listener.accept());
    await drive(clock, conn.write("over a name"));
    const got = await drive(clock, accepted.read());
    expect(!got.done && new TextDecoder().decode(got.value)).toBe("over a name");
  });

  it("an unknown name is a NameNotFoundError; ping by name resolves first", async () => {
    const { clock, client, server } = stackPair({ delay: 5 }, { dns: ["10.0.0.2"] });
    serveDns(server, { "host.name.test": "10.0.0.2" });
    await expect(drive(clock, client.connect("nowhere.name.test", 80))).rejects.toBeInstanceOf(NameNotFoundError);
    const results: number[] = [];
    await drive(
      clock,
      (async () => {
        for await (const r of client.ping("host.name.test", { count: 2, interval: 50 })) if (r.ok) results.push(r.seq);
      })(),
    );
    expect(results).toEqual([1, 2]);
  });
});
