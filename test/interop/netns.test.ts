import { afterEach, expect, it } from "vitest";
import { buildPacket, ipv4ToString, parseIpv4, parsePacket, TcpFlags } from "../../src/wire/index.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";

/** The harness's plumbing, checked with hand-built packets so it does not depend on the TCP engine. */
describeWith([...NETNS_TOOLS, "python3", "nft"], "interop harness: a kernel in a namespace behind a TUN", () => {
  let ns: Netns | null = null;
  afterEach(async () => {
    await ns?.close();
    ns = null;
  });

  const nextPacket = (n: Netns) => new Promise<Uint8Array>((resolve) => (n.link.onReceive = resolve));

  it("answers a hand-built SYN to a closed port with the kernel's RST", async () => {
    ns = await Netns.start();
    const got = nextPacket(ns);
    const syn = buildPacket({
      src: parseIpv4(ns.stackAddress),
      dst: parseIpv4(ns.kernelAddress),
      srcPort: 40000,
      dstPort: 9,
      seq: 0x1234_5678,
      flags: TcpFlags.SYN,
      window: 65535,
      options: { mss: 1460 },
    });
    ns.link.send(syn);
    const p = parsePacket(await got);
    if (!p.ok) throw new Error(`unparseable reply: ${p.reason}`);
    expect(ipv4ToString(p.ip.src)).toBe(ns.kernelAddress);
    expect(ipv4ToString(p.ip.dst)).toBe(ns.stackAddress);
    expect([p.tcp.srcPort, p.tcp.dstPort]).toEqual([9, 40000]);
    // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN counting as one.
    expect(p.tcp.flags & (TcpFlags.RST | TcpFlags.ACK | TcpFlags.SYN)).toBe(TcpFlags.RST | TcpFlags.ACK);
    expect(p.tcp.ack).toBe(0x1234_5679);
    expect(ns.link.counters.dropped.notIpv4).toBe(0);
  });

  it("carries the kernel's UDP to the tunnel and, with no IPv6 in the namespace, nothing else", async () => {
    ns = await Netns.start();
    const seen: Uint8Array[] = [];
    ns.link.onReceive = (p) => seen.push(p);
    await ns.run([
      "python3",
      "-c",
      `import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"over the tun", ("${ns.stackAddress}", 5000))`,
    ]);
    await waitUntil(() => seen.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(1);
    const p = seen[0];
    expect(p[0] >> 4).toBe(4);
    expect(p[9]).toBe(17); // UDP
    expect(new TextDecoder().decode(p.subarray(28))).toBe("over the tun");
    expect(ns.link.counters.dropped).toMatchObject({ notIpv4: 0, short: 0, wrongPeer: 0 });
    expect(await ns.run(["ip", "-6", "addr", "show", "dev", ns.tun])).toBe("");
    expect(await ns.run(["cat", `/proc/sys/net/ipv6/conf/${ns.tun}/disable_ipv6`])).toBe("1\n");
  });

  it("sets the TUN's MTU and an nftables loss rule, and removes the rule", async () => {
    ns = await Netns.start({ mtu: 576, lossPercent: 50 });
    expect(await ns.run(["ip", "-o", "link", "show", ns.tun])).toMatch(/ mtu 576 /);
    let replies = 0;
    ns.link.onReceive = () => replies++;
    const probe = (port: number) =>
      buildPacket({
        src: parseIpv4(ns!.stackAddress),
        dst: parseIpv4(ns!.kernelAddress),
        srcPort: port,
        dstPort: 9,
        seq: 1,
        flags: TcpFlags.SYN,
        window: 1000,
      });
    for (let i = 0; i < 200; i++) ns.link.send(probe(20000 + i));
    await new Promise((r) => setTimeout(r, 500));
    const [toKernel, fromKernel] = await ns.droppedByLossRule();
    // Each probe survives both ways with probability 1/4; the rule's counters account for every loss.
    expect(toKernel).toBeGreaterThan(60);
    expect(toKernel + fromKernel + replies).toBe(200);
    await ns.setLoss(0);
    replies = 0;
    for (let i = 0; i < 50; i++) ns.link.send(probe(30000 + i));
    await waitUntil(() => replies === 50);
    await ns.setMtu(1500);
    expect(await ns.run(["ip", "-o", "link", "show", ns.tun])).toMatch(/ mtu 1500 /);
  });

  it("vanishes when closed: processes gone, tunnel closed", async () => {
    ns = await Netns.start();
    const pid = ns.pid;
    const server = ns.spawn(["python3", "-c", "import time; time.sleep(60)"]);
    await ns.close();
    expect((await server.exited).signal).toBe("SIGKILL");
    expect(() => process.kill(pid, 0)).toThrow();
    expect(() => ns!.spawn(["true"])).toThrow("closed");
    ns = null;
  });

  it("fails with a clear error for a command that hangs", async () => {
    ns = await Netns.start();
    await expect(ns.exec(["sleep", "10"], { timeoutMs: 200 })).rejects.toThrow("sleep 10: still running after 200 ms");
  });
});

async function waitUntil(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
