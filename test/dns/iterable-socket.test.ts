import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/index.js";
import { type Datagram, fromIterableSocket, type IterableDatagramSocket, Resolver } from "../../src/dns/index.js";
import { drive } from "../api/helpers.js";
import { a, FakeDnsNetwork, reply, seededRandom } from "./fake-network.js";

/** A socket of the shape issue 14 gives `stack.udp()`: datagrams come out of an async iterator. */
function iterableSocket(net: FakeDnsNetwork, port: number, log: string[]): IterableDatagramSocket {
  const inner = net.bind(port);
  return {
    send: (data, address, p) => inner.send(data, address, p),
    async *[Symbol.asyncIterator](): AsyncGenerator<Datagram> {
      for (;;) {
        const d = await inner.receive();
        if (d === null) return;
        log.push(`datagram from ${d.address}:${d.port}`);
        yield d;
      }
    },
    close: () => {
      log.push("closed");
      inner.close();
    },
  };
}

describe("the resolver on an async-iterable UDP socket", () => {
  it("reads answers from the iterator and closes the socket when done", async () => {
    const clock = new VirtualClock(0);
    const net = new FakeDnsNetwork(clock).serve("10.0.0.53", (q) => reply(q, [a("it.test", "10.0.0.8")]));
    const log: string[] = [];
    const resolver = new Resolver({
      servers: ["10.0.0.53"],
      clock,
      udp: { bind: (port) => fromIterableSocket(iterableSocket(net, port, log)) },
      random: seededRandom(1),
    });
    expect((await drive(clock, resolver.resolve("it.test"))).addresses).toEqual(["10.0.0.8"]);
    expect(log).toEqual(["datagram from 10.0.0.53:53", "closed"]);
    expect(net.openPorts).toEqual([]);
  });
});
