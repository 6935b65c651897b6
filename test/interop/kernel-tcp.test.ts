import { afterEach, expect, it } from "vitest";
import { RealClock } from "../../src/clock/index.js";
import { IpStack } from "../../src/stack/index.js";
import { parsePacket, TcpFlags } from "../../src/wire/index.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { LOSS_WARNINGS, RST_WARNING } from "../helpers/tshark.js";
import { FLOW_CONTROL_WARNINGS, judge, tap } from "./capture.js";
import { accept, ConnectionFailed, echo, readToEnd, reach, writeAllAndShutdown } from "./low-level.js";

/**
 * The engine (IpStack, no typestate API) against the Linux kernel's TCP through the TUN harness. The
 * kernel side is python3's socket module, so every byte on the wire is either the kernel's or ours.
 */
describeWith([...NETNS_TOOLS, "python3", "nft"], "interop: IpStack and the Linux kernel", () => {
  let ns: Netns | null = null;
  let stack: IpStack | null = null;
  afterEach(async () => {
    stack?.close();
    stack = null;
    await ns?.close();
    ns = null;
  });

  /** A stack on the tunnel, every packet captured; `save()` writes the capture. */
  async function setUp(options: Parameters<typeof Netns.start>[0] = {}, name: string) {
    ns = await Netns.start(options);
    const clock = new RealClock();
    const capture = tap(ns.link, clock, name);
    stack = new IpStack({ address: ns.stackAddress, link: capture.link, clock, onTrace: (t) => capture.link.annotate(t) });
    return { ns, stack, seen: capture.seen, save: capture.save };
  }

  it("a SYN to a closed kernel port is refused by the kernel's RST", async () => {
    const { ns, stack, seen, save } = await setUp({}, "kernel-closed-port");
    const conn = stack.connect(ns.kernelAddress, 9);
    await expect(reach(conn, "ESTABLISHED")).rejects.toEqual(new ConnectionFailed("refused"));
    expect(conn.state).toBe("CLOSED");
    const file = await save();
    expect(seen.map((s) => s.direction)).toEqual(["out", "in"]);
    const packets = seen.map((s) => parsePacket(s.head));
    const [syn, rst] = packets;
    if (!syn.ok || !rst.ok) throw new Error("unparseable packet in the capture");
    expect(syn.tcp.flags).toBe(TcpFlags.SYN);
    expect(rst.tcp.flags & (TcpFlags.RST | TcpFlags.ACK)).toBe(TcpFlags.RST | TcpFlags.ACK);
    expect(rst.tcp.ack).toBe((syn.tcp.seq + 1) >>> 0);
    judge(file, [RST_WARNING]);
  });

  it("the kernel connects to a userspace listener; 2 MiB echo both ways, then a clean close", async () => {
    const { ns, stack, save } = await setUp({}, "kernel-client-echo");
    const listener = stack.listen(7);
    const accepted = accept(listener).then(echo);
    const size = 2 << 20;
    const out = await ns.run(["python3", "-c", ECHO_CLIENT, ns.stackAddress, "7", String(size)]);
    const [length, sentHash, gotHash] = out.trim().split(" ");
    expect(Number(length)).toBe(size);
    expect(gotHash).toBe(sentHash);
    expect(await accepted).toBe(size);
    judge(await save(), FLOW_CONTROL_WARNINGS);
  });

  it("the userspace stack downloads 8 MiB from a kernel server", async () => {
    const { ns, stack, save } = await setUp({}, "stack-client-download");
    const size = 8 << 20;
    const server = ns.spawn(["python3", "-c", SEND_SERVER, ns.kernelAddress, "8080", String(size)]);
    await ns.waitForListen(8080);
    const conn = stack.connect(ns.kernelAddress, 8080);
    await reach(conn, "ESTABLISHED");
    const got = await readToEnd(conn);
    await writeAllAndShutdown(conn, new Uint8Array(0));
    const { stdout } = await server.exited;
    expect(got).toEqual({ length: size, sha256: stdout.toString().trim() });
    judge(await save(), FLOW_CONTROL_WARNINGS);
  });

  it("honours the kernel's MSS on a 576-byte TUN and recovers from 5% loss each way", async () => {
    const { ns, stack, seen, save } = await setUp({ mtu: 576, lossPercent: 5 }, "lossy-mtu576-echo");
    const listener = stack.listen(7);
    let mss = 0;
    const accepted = accept(listener).then((conn) => {
      mss = conn.info().mss;
      return echo(conn).then((n) => [n, conn.info().retransmits] as const);
    });
    const size = 1 << 20;
    const out = await ns.run(["python3", "-c", ECHO_CLIENT, ns.stackAddress, "7", String(size)], { timeoutMs: 120_000 });
    const [length, sentHash, gotHash] = out.trim().split(" ");
    expect(Number(length)).toBe(size);
    expect(gotHash).toBe(sentHash);
    const [echoed, retransmits] = await accepted;
    expect(echoed).toBe(size);
    expect(mss).toBe(536);
    expect(retransmits).toBeGreaterThan(0);
    const [toKernel, fromKernel] = await ns.droppedByLossRule();
    expect(toKernel).toBeGreaterThan(0);
    expect(fromKernel).toBeGreaterThan(0);
    // Nothing we sent was larger than the TUN's MTU (this sees what the stack sent, before the loss).
    expect(Math.max(...seen.filter((s) => s.direction === "out").map((s) => s.length))).toBe(576);
    // The echo reads only what it can send back, so under loss its receive window fills: flow control.
    judge(await save(), [...LOSS_WARNINGS, ...FLOW_CONTROL_WARNINGS]);
  });
});

/** argv: address port size. Sends `size` random bytes while reading the echo; prints length and both hashes. */
const ECHO_CLIENT = `
import hashlib, os, socket, sys, threading
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.urandom(size)
c = socket.create_connection((host, port), timeout=60)
got = []
def reader():
    while True:
        b = c.recv(1 << 16)
        if not b:
            return
        got.append(b)
t = threading.Thread(target=reader)
t.start()
c.sendall(data)
c.shutdown(socket.SHUT_WR)
t.join()
c.close()
r = b"".join(got)
print(len(r), hashlib.sha256(data).hexdigest(), hashlib.sha256(r).hexdigest())
`;

/** argv: address port size. Accepts one connection, sends `size` random bytes, closes; prints their hash. */
const SEND_SERVER = `
import hashlib, os, socket, sys
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port))
s.listen(1)
c, _ = s.accept()
c.settimeout(60)
data = os.urandom(size)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
while c.recv(1 << 16):
    pass
c.close()
print(hashlib.sha256(data).hexdigest())
`;
