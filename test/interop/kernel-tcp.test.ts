import { afterEach, expect, it, vi } from "vitest";
import { RealClock } from "../../src/clock/index.js";
import { IpStack } from "../../src/stack/index.js";
import type { TcpConfig } from "../../src/tcp/config.js";
import { parsePacket, TcpFlags } from "../../src/wire/index.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { FLOW_CONTROL_WARNINGS, judge, tap } from "./capture.js";
import { LOSS_WARNINGS, RST_WARNING } from "../helpers/tshark.js";
import { accept, ConnectionFailed, echo, readToEnd, reach, sha256, writeAllAndShutdown } from "./low-level.js";

// Megabytes through a TUN, under loss, on a busy 2-core machine: minutes, not the default minute.
vi.setConfig({ testTimeout: 180_000 });

/**
 * The engine (IpStack, no typestate API) against the Linux kernel's TCP through the TUN harness. The
 * kernel side is python3's socket module, so every byte on the wire is either the kernel's or ours.
 */
describeWith([...NETNS_TOOLS, "python3", "curl", "nft"], "interop: IpStack and the Linux kernel", () => {
  let ns: Netns | null = null;
  let stack: IpStack | null = null;
  afterEach(async () => {
    stack?.close();
    stack = null;
    await ns?.close();
    ns = null;
  });

  /** A stack on the tunnel, every packet captured; `save()` writes the capture. */
  async function setUp(options: Parameters<typeof Netns.start>[0] = {}, name: string, tcp: Partial<TcpConfig> = {}) {
    ns = await Netns.start(options);
    const clock = new RealClock();
    const capture = tap(ns.link, clock, name);
    stack = new IpStack({
      address: ns.stackAddress,
      link: capture.link,
      clock,
      tcp,
      onTrace: (t) => capture.link.annotate(t),
    });
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
    judge(file, [RST_WARNING], ns.stackAddress);
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
    judge(await save(), FLOW_CONTROL_WARNINGS, ns.stackAddress);
  });

  it("the userspace stack downloads 8 MiB from a kernel server", async () => {
    const { ns, stack, save } = await setUp({}, "stack-client-download");
    const size = 8 << 20;
    const { conn, server } = await connectToScript(ns, stack, SEND_SERVER, 8080, size);
    const got = await readToEnd(conn);
    await writeAllAndShutdown(conn, new Uint8Array(0));
    const { stdout } = await server.exited;
    expect(got).toEqual({ length: size, sha256: stdout.toString().trim() });
    judge(await save(), FLOW_CONTROL_WARNINGS, ns.stackAddress);
  });

  it("a userspace abort resets the kernel's connection: curl sees the reset", async () => {
    const { ns, stack, save } = await setUp({}, "userspace-abort");
    const listener = stack.listen(80);
    const aborted = accept(listener).then(async (conn) => {
      // Wait for the request, then abort instead of answering.
      await new Promise<void>((resolve) => (conn.events = { ...conn.events, onReadable: () => resolve() }));
      conn.abort();
      return conn.state;
    });
    const curl = await ns.exec(["curl", "-sS", "--max-time", "20", `http://${ns.stackAddress}/`]);
    expect(await aborted).toBe("CLOSED");
    expect(curl.code).toBe(56); // CURLE_RECV_ERROR
    expect(curl.stderr).toMatch(/Connection reset by peer/);
    judge(await save(), [RST_WARNING], ns.stackAddress);
  });

  it("half-close, kernel first: the kernel shuts down its sending side and still reads our reply", async () => {
    const { ns, stack, save } = await setUp({}, "half-close-kernel-first");
    const listener = stack.listen(7);
    const reply = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);
    const served = accept(listener).then(async (conn) => {
      const request = await readToEnd(conn); // ends with the kernel's FIN: we are in CLOSE-WAIT
      const state = conn.state;
      await writeAllAndShutdown(conn, reply);
      return { request, state };
    });
    const out = await ns.run(["python3", "-c", HALF_CLOSE_CLIENT, ns.stackAddress, "7", "100000"]);
    const { request, state } = await served;
    expect(state).toBe("CLOSE-WAIT");
    const [sentHash, gotLength, gotHash] = out.trim().split(" ");
    expect(request).toEqual({ length: 100_000, sha256: sentHash });
    expect(Number(gotLength)).toBe(reply.length);
    expect(gotHash).toBe(sha256(reply));
    judge(await save(), FLOW_CONTROL_WARNINGS, ns.stackAddress);
  });

  it("half-close, stack first: we shut down our sending side and still read the kernel's data", async () => {
    const { ns, stack, save } = await setUp({}, "half-close-stack-first");
    const size = 1 << 20;
    // The server reads our request to its end (our FIN) and only then answers.
    const { conn, server } = await connectToScript(ns, stack, ANSWER_AFTER_EOF_SERVER, 8081, size);
    const request = new TextEncoder().encode("half-closed request");
    await writeAllAndShutdown(conn, request);
    await reach(conn, "FIN-WAIT-2");
    const got = await readToEnd(conn);
    const { stdout } = await server.exited;
    const [requestHash, answerHash] = stdout.toString().trim().split(" ");
    expect(requestHash).toBe(sha256(request));
    expect(got).toEqual({ length: size, sha256: answerHash });
    judge(await save(), FLOW_CONTROL_WARNINGS, ns.stackAddress);
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
    const out = await ns.run(["python3", "-c", ECHO_CLIENT, ns.stackAddress, "7", String(size)], {
      timeoutMs: 120_000,
    });
    const [length, sentHash, gotHash] = out.trim().split(" ");
    expect(Number(length)).toBe(size);
    expect(gotHash).toBe(sentHash);
    const [echoed, retransmits] = await accepted;
    expect(echoed).toBe(size);
    // The kernel's SYN advertises 536 (576 - 40); we send no more payload than that per segment, less
    // whatever options (timestamps) take.
    const kernelSyn = seen
      .filter((x) => x.direction === "in")
      .map((x) => parsePacket(x.head))
      .find((p) => p.ok && (p.tcp.flags & TcpFlags.SYN) !== 0);
    expect(kernelSyn?.ok && kernelSyn.tcp.options.mss).toBe(536);
    expect(mss).toBeLessThanOrEqual(536);
    expect(mss).toBeGreaterThanOrEqual(536 - 40);
    expect(retransmits).toBeGreaterThan(0);
    const [toKernel, fromKernel] = await ns.droppedByLossRule();
    expect(toKernel).toBeGreaterThan(0);
    expect(fromKernel).toBeGreaterThan(0);
    // Nothing we sent was larger than the TUN's MTU (this sees what the stack sent, before the loss).
    expect(Math.max(...seen.filter((s) => s.direction === "out").map((s) => s.length))).toBe(576);
    // The echo reads only what it can send back, so under loss its receive window fills: flow control.
    judge(await save(), [...LOSS_WARNINGS, ...FLOW_CONTROL_WARNINGS], ns.stackAddress);
  });

  it("RFC 3168 ECN with the kernel (tcp_ecn=1): CE marks each way are echoed with ECE and answered with CWR", async () => {
    const { ns, stack, seen, save } = await setUp({}, "kernel-ecn-echo", { ecn: true });
    // tcp_ecn_fallback=0: a SYN the tunnel loses is retransmitted still ECN-setup (Linux would drop ECE and
    // CWR from it, and the connection would rightly go without ECN).
    await ns.run(["sysctl", "-q", "-w", "net.ipv4.tcp_ecn=1", "net.ipv4.tcp_ecn_fallback=0"]);
    // One ECT packet in 50 is marked CE, each way across tun0 (a congested router would mark them so).
    await ns.run(["nft", "-f", "-"], { input: CE_MARKS });
    const listener = stack.listen(7);
    const accepted = accept(listener).then(async (conn) => [await echo(conn), conn.info()] as const);
    const size = 2 << 20;
    const out = await ns.run(["python3", "-c", ECHO_CLIENT, ns.stackAddress, "7", String(size)]);
    const [length, sentHash, gotHash] = out.trim().split(" ");
    expect(Number(length)).toBe(size);
    expect(gotHash).toBe(sentHash);
    const [echoed, info] = await accepted;
    const file = await save();
    expect(echoed).toBe(size);
    expect(info.ecn, "ECN agreed").toBe(true);
    // The kernel echoed the marks on our data, and we cut the window for them.
    expect(info.ecnReductions).toBeGreaterThan(0);
    const heads = seen.map((s) => ({ direction: s.direction, ...ecnBits(s.head) }));
    const syn = heads.find((h) => h.direction === "in" && h.flags & TcpFlags.SYN);
    const synAck = heads.find((h) => h.direction === "out" && h.flags & TcpFlags.SYN);
    expect(syn?.flags).toBe(TcpFlags.SYN | TcpFlags.ECE | TcpFlags.CWR);
    expect(synAck?.flags).toBe(TcpFlags.SYN | TcpFlags.ACK | TcpFlags.ECE);
    const ours = heads.filter((h) => h.direction === "out" && !(h.flags & TcpFlags.SYN));
    const theirs = heads.filter((h) => h.direction === "in" && !(h.flags & TcpFlags.SYN));
    // We echoed the kernel's marks with ECE, and the kernel said CWR; we said CWR after its ECEs.
    expect(
      theirs.some((h) => h.tos === 3),
      "a CE mark reached us",
    ).toBe(true);
    expect(
      ours.some((h) => h.flags & TcpFlags.ECE),
      "we echoed ECE",
    ).toBe(true);
    expect(
      theirs.some((h) => h.flags & TcpFlags.CWR),
      "the kernel said CWR",
    ).toBe(true);
    expect(
      theirs.some((h) => h.flags & TcpFlags.ECE),
      "the kernel echoed ECE",
    ).toBe(true);
    expect(
      ours.some((h) => h.flags & TcpFlags.CWR),
      "we said CWR",
    ).toBe(true);
    // Our new data went ECT(0); our pure ACKs and retransmissions (a busy tunnel may drop) Not-ECT.
    const sent = new Set<number>();
    const data = ours
      .filter((h) => h.payload > 0)
      .map((h) => ({ tos: h.tos, again: sent.has(h.seq) || !sent.add(h.seq) }));
    expect(data.filter((d) => !d.again).map((d) => d.tos)).toEqual(data.filter((d) => !d.again).map(() => 2));
    expect(
      data.filter((d) => d.again).every((d) => d.tos === 0),
      "retransmissions Not-ECT",
    ).toBe(true);
    expect(
      ours.filter((h) => h.payload === 0).every((h) => h.tos === 0),
      "pure ACKs Not-ECT",
    ).toBe(true);
    judge(file, FLOW_CONTROL_WARNINGS, ns.stackAddress);
  });
});

/** nftables rules marking every 50th ECT(0) packet crossing tun0 CE, in each direction. */
const CE_MARKS = `
table ip ce_marks {
  chain in { type filter hook prerouting priority 0; iifname "tun0" ip ecn ect0 numgen inc mod 50 == 0 ip ecn set ce; }
  chain out { type filter hook postrouting priority 0; oifname "tun0" ip ecn ect0 numgen inc mod 50 == 0 ip ecn set ce; }
}
`;

/** The TOS byte, sequence number, TCP flags and payload length of a captured packet's first bytes (`Seen.head`). */
function ecnBits(head: Uint8Array): { tos: number; seq: number; flags: number; payload: number } {
  const ihl = (head[0] & 0x0f) * 4;
  const total = (head[2] << 8) | head[3];
  const seq = new DataView(head.buffer, head.byteOffset + ihl + 4, 4).getUint32(0);
  return { tos: head[1], seq, flags: head[ihl + 13], payload: total - ihl - (head[ihl + 12] >> 4) * 4 };
}

/** Runs a python3 server `script` (argv: address port size) in the namespace; connects the stack to it. */
async function connectToScript(ns: Netns, stack: IpStack, script: string, port: number, size: number) {
  const server = ns.spawn(["python3", "-c", script, ns.kernelAddress, String(port), String(size)]);
  await ns.waitForListen(port);
  const conn = stack.connect(ns.kernelAddress, port);
  await reach(conn, "ESTABLISHED");
  return { conn, server };
}

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

/** The servers' start, argv: address port size. Listens on address:port and accepts one connection, `c`. */
const ACCEPT_ONE = `
import hashlib, os, socket, sys
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port))
s.listen(1)
c, _ = s.accept()
c.settimeout(60)
`;

/** argv: address port size. Accepts one connection, sends `size` random bytes, closes; prints their hash. */
const SEND_SERVER = `${ACCEPT_ONE}
data = os.urandom(size)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
while c.recv(1 << 16):
    pass
c.close()
print(hashlib.sha256(data).hexdigest())
`;

/** argv: address port size. Sends `size` random bytes, shuts down writing, reads the reply to its end. */
const HALF_CLOSE_CLIENT = `
import hashlib, os, socket, sys
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.urandom(size)
c = socket.create_connection((host, port), timeout=60)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
got = []
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    got.append(b)
c.close()
r = b"".join(got)
print(hashlib.sha256(data).hexdigest(), len(r), hashlib.sha256(r).hexdigest())
`;

/** argv: address port size. Reads the request to EOF, then sends `size` random bytes; prints both hashes. */
const ANSWER_AFTER_EOF_SERVER = `${ACCEPT_ONE}
request = hashlib.sha256()
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    request.update(b)
data = os.urandom(size)
c.sendall(data)
c.close()
print(request.hexdigest(), hashlib.sha256(data).hexdigest())
`;
