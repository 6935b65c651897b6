import { describe, expect, it } from "vitest";
import {
  Stack,
  VirtualClock,
  ethernetLink,
  virtualSwitch,
  type TcpStream,
  type UdpMessage,
} from "../../src/api/index.js";
import { memoryLinkPair, type Link } from "../../src/link/index.js";
import { EthernetInterface, RawIpInterface, RoutedLink } from "../../src/netif/index.js";
import { drive, pass, patternBytes, readAll, sha256 } from "../api/helpers.js";

const isnKey = new Uint8Array(16).fill(9);
const ICMP = 1;

interface Seen {
  protocol: number;
  src: string;
  dst: string;
  /** The ICMP type, for ICMP. */
  type: number;
}

const quad = (p: Uint8Array, at: number) => `${p[at]}.${p[at + 1]}.${p[at + 2]}.${p[at + 3]}`;

/** `link`, with every IPv4 packet it delivers up noted in `seen` (the peer's view of the wire). */
function watched(link: Link): { link: Link; seen: Seen[] } {
  const seen: Seen[] = [];
  const watching: Link = {
    mtu: link.mtu,
    send: (p) => link.send(p),
    get onReceive() {
      return link.onReceive;
    },
    set onReceive(handler) {
      link.onReceive =
        handler &&
        ((p) => {
          seen.push({ protocol: p[9], src: quad(p, 12), dst: quad(p, 16), type: p[(p[0] & 15) * 4] });
          handler(p);
        });
    },
    close: () => link.close(),
  };
  return { link: watching, seen };
}

/**
 * A host with two raw-IP interfaces, 10.0.1.1/24 and 10.0.2.1/24 (its stack address the first), and a peer
 * on each subnet, 10.0.1.2 and 10.0.2.2, whose received packets are noted.
 */
function multihomed() {
  const clock = new VirtualClock(1_700_000_000_000);
  const [hubA, peerA] = memoryLinkPair({ clock });
  const [hubB, peerB] = memoryLinkPair({ clock });
  const routed = new RoutedLink({
    interfaces: [
      new RawIpInterface({ link: hubA, address: "10.0.1.1/24", name: "a" }),
      new RawIpInterface({ link: hubB, address: "10.0.2.1/24", name: "b" }),
    ],
  });
  const hub = new Stack({ address: "10.0.1.1", link: routed, clock, isnKey });
  const a = watched(peerA);
  const b = watched(peerB);
  return {
    clock,
    hub,
    a: { ...a, stack: new Stack({ address: "10.0.1.2", link: a.link, clock, isnKey }) },
    b: { ...b, stack: new Stack({ address: "10.0.2.2", link: b.link, clock, isnKey }) },
  };
}

/** Writes `data`, shuts the sending side, and reads all the peer sends until its FIN. */
async function exchange(s: TcpStream<"Established">, data: Uint8Array): Promise<Uint8Array[]> {
  await s.write(data);
  return readAll(s.shutdown());
}

/** Whether each ping of a run was answered. */
async function oks(results: AsyncIterable<{ ok: boolean }>): Promise<boolean[]> {
  const out: boolean[] = [];
  for await (const r of results) out.push(r.ok);
  return out;
}

const text = (m: UdpMessage | null) => (m === null ? null : new TextDecoder().decode(m.data));

describe("a multihomed stack (RFC 1122 §3.3.4, weak end system)", () => {
  it("accepts connections to each of its addresses, named by the address the SYN was sent to", async () => {
    const { clock, hub, a, b } = multihomed();
    const listener = hub.listen(80);
    const accepted: Promise<Awaited<ReturnType<typeof listener.accept>>>[] = [];
    for (const [peer, to] of [
      [a, "10.0.1.1"],
      [b, "10.0.2.1"],
    ] as const) {
      const next = listener.accept();
      accepted.push(next);
      const client = await drive(clock, peer.stack.connect(to, 80));
      const server = await drive(clock, next);
      expect(server.localAddr.address).toBe(to);
      expect(client.localAddr.address).toBe(peer.stack.address);
      const up = patternBytes(64 << 10, to.length);
      const down = patternBytes(32 << 10, 5);
      const [atServer, atClient] = await drive(clock, Promise.all([exchange(server, down), exchange(client, up)]));
      expect(sha256(atServer)).toBe(sha256(up));
      expect(sha256(atClient)).toBe(sha256(down));
      // Every segment the peer got came from the address it connected to.
      const tcp = peer.seen.filter((s) => s.protocol === 6);
      expect(tcp.length).toBeGreaterThan(10);
      expect(new Set(tcp.map((s) => s.src))).toEqual(new Set([to]));
    }
    expect(accepted).toHaveLength(2);
  });

  it("connects out from the address of the interface the route leaves by", async () => {
    const { clock, hub, a, b } = multihomed();
    for (const [peer, from] of [
      [a, "10.0.1.1"],
      [b, "10.0.2.1"],
    ] as const) {
      const next = peer.stack.listen(81).accept();
      const client = await drive(clock, hub.connect(peer.stack.address, 81));
      const server = await drive(clock, next);
      expect(client.localAddr.address).toBe(from);
      expect(server.peerAddr.address).toBe(from);
      const hello = new TextEncoder().encode("hello");
      const [atServer] = await drive(
        clock,
        Promise.all([exchange(server, new Uint8Array(1)), exchange(client, hello)]),
      );
      expect(sha256(atServer)).toBe(sha256(hello));
      const tcp = peer.seen.filter((s) => s.protocol === 6);
      expect(new Set(tcp.map((s) => s.src))).toEqual(new Set([from]));
    }
  });

  it("answers a ping to its second address from that address, and pings out from the route's", async () => {
    const { clock, hub, b } = multihomed();
    const results = await drive(clock, oks(b.stack.ping("10.0.2.1", { count: 2, interval: 100 })));
    expect(results).toEqual([true, true]);
    const replies = b.seen.filter((s) => s.protocol === ICMP && s.type === 0);
    expect(replies.map((s) => s.src)).toEqual(["10.0.2.1", "10.0.2.1"]);
    expect(await drive(clock, oks(hub.ping("10.0.2.2", { count: 1 })))).toEqual([true]);
    const requests = b.seen.filter((s) => s.protocol === ICMP && s.type === 8);
    expect(requests.map((s) => s.src)).toEqual(["10.0.2.1"]);
  });

  it("takes UDP to its second address and answers from it", async () => {
    const { clock, hub, b } = multihomed();
    const server = hub.udp({ port: 53 });
    const client = b.stack.udp();
    client.send("query", "10.0.2.1", 53);
    const m = await drive(clock, server.receive());
    expect({ text: text(m), address: m?.address }).toEqual({ text: "query", address: "10.0.2.2" });
    server.send("answer", m!.address, m!.port);
    const reply = await drive(clock, client.receive());
    expect({ text: text(reply), address: reply?.address }).toEqual({ text: "answer", address: "10.0.2.1" });
    expect(b.seen.filter((s) => s.protocol === 17).map((s) => s.src)).toEqual(["10.0.2.1"]);
  });

  it("loops a connection to its own second address back, and drops packets to an address not its own", async () => {
    const { clock, hub, b } = multihomed();
    const next = hub.listen(82).accept();
    const client = await drive(clock, hub.connect("10.0.2.1", 82));
    const server = await drive(clock, next);
    expect([client.localAddr.address, server.localAddr.address, server.peerAddr.address]).toEqual([
      "10.0.2.1",
      "10.0.2.1",
      "10.0.2.1",
    ]);
    expect(b.seen.filter((s) => s.protocol === 6)).toEqual([]);
    const before = hub.counters.drops["wrong-address"];
    b.stack.udp().send("stray", "10.0.2.9", 53);
    await pass(clock, 10);
    expect(hub.counters.drops["wrong-address"]).toBe(before + 1);
  });

  it("over Ethernet too: ARP answers for the second address, and connections go both ways from it", async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const [tunHub] = memoryLinkPair({ clock });
    const sw = virtualSwitch({ clock });
    const eth = new EthernetInterface({ link: sw.port(), address: "10.0.2.1/24", clock });
    const routed = new RoutedLink({ interfaces: [new RawIpInterface({ link: tunHub, address: "10.0.1.1/24" }), eth] });
    const hub = new Stack({ address: "10.0.1.1", link: routed, clock, isnKey });
    const peer = new Stack({
      address: "10.0.2.2",
      link: ethernetLink({ link: sw.port(), address: "10.0.2.2/24", clock }),
      clock,
      isnKey,
    });
    const inbound = hub.listen(80).accept();
    const client = await drive(clock, peer.connect("10.0.2.1", 80));
    expect((await drive(clock, inbound)).localAddr.address).toBe("10.0.2.1");
    const outbound = peer.listen(81).accept();
    await drive(clock, hub.connect("10.0.2.2", 81));
    expect((await drive(clock, outbound)).peerAddr.address).toBe("10.0.2.1");
    expect(client.state).toBe("Established");
    // Nothing left by the raw-IP interface: the route to 10.0.2.0/24 is the Ethernet one.
    expect(tunHub.counters.tx.sent).toBe(0);
  });
});
