import { execFileSync } from "node:child_process";
import { expect, it, vi } from "vitest";
import { RealClock } from "../../src/clock/index.js";
import type { Link } from "../../src/link/link.js";
import { IpStack } from "../../src/stack/index.js";
import type { Connection } from "../../src/tcp/types.js";
import { parseIpv4 } from "../../src/wire/index.js";
import { useCleanup } from "../helpers/cleanup.js";
import { NETNS_TOOLS, Netns } from "../helpers/netns.js";
import { RouterNetns } from "../helpers/router-netns.js";
import { LOSS_WARNINGS } from "../helpers/tshark.js";
import { describeWith, haveTool } from "../helpers/tools.js";
import { FLOW_CONTROL_WARNINGS, judge, tap } from "./capture.js";
import { accept, sha256 } from "./low-level.js";

vi.setConfig({ testTimeout: 180_000 });

/** A link that says its MTU is `mtu` (the tunnel's own is 65535: nothing would ever need fragmenting). */
function withMtu(link: Link, mtu: number): Link {
  const wrapped: Link = {
    mtu,
    onReceive: null,
    send: (p) => link.send(p),
    close: () => link.close(),
  };
  link.onReceive = (p) => wrapped.onReceive?.(p);
  return wrapped;
}

/** Answers one HTTP request on `conn` with `body`, then closes (HTTP/1.0). */
async function serveOnce(conn: Connection, body: Uint8Array): Promise<void> {
  await new Promise<void>((resolve) => {
    let request = "";
    conn.events = {
      ...conn.events,
      onReadable: () => {
        for (let c = conn.read(); c !== null; c = conn.read()) request += Buffer.from(c).toString("latin1");
        if (request.includes("\r\n\r\n")) resolve();
      },
    };
    conn.events.onReadable?.();
  });
  const head = new TextEncoder().encode(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  let off = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (off < all.length) {
        const n = conn.write(all.subarray(off));
        if (n === 0) return;
        off += n;
      }
      conn.events.onWritable = undefined;
      conn.shutdown();
      resolve();
    };
    conn.events = { ...conn.events, onWritable: pump };
    pump();
  });
}

/**
 * The judge, with the router's ICMP errors judged apart: Linux quotes 548 bytes of our 1500-byte segment
 * (IPv4) or 1232 (IPv6), and this tshark checks the quoted TCP checksum over the truncated bytes, calling
 * every such quote bad. The ICMP messages themselves must have good IPv4 and ICMP (ICMPv6) checksums;
 * everything else gets the judge.
 */
function judgeQuotingApart(file: string, allow: readonly string[], stackAddress: string): void {
  if (!haveTool("tshark")) {
    judge(file, allow, stackAddress);
    return;
  }
  const errors = "(icmp.type == 3 || icmpv6.type == 2)";
  const bad = execFileSync("tshark", [
    "-r",
    file,
    "-o",
    "ip.check_checksum:TRUE",
    "-Y",
    `${errors} && (icmp.checksum.status != 1 && icmpv6.checksum.status != 1 || ip.checksum.status == 0)`,
  ]).toString();
  expect(bad, "ICMP errors with a bad IPv4, ICMP or ICMPv6 checksum").toBe("");
  const good = execFileSync("tshark", [
    "-r",
    file,
    "-Y",
    `${errors} && (icmp.checksum.status == 1 || icmpv6.checksum.status == 1)`,
  ]);
  expect(good.toString(), "the router's errors are in the capture").not.toBe("");
  const rest = file.replace(/\.pcapng$/, "-without-icmp.pcapng");
  execFileSync("tshark", ["-r", file, "-Y", `!${errors}`, "-w", rest]);
  judge(rest, allow, stackAddress);
}

describeWith([...NETNS_TOOLS, "curl", "nft"], "interop: path MTU discovery through a kernel router", () => {
  const defer = useCleanup();

  async function download(name: string, dropIcmp: boolean, ipv6 = false) {
    const net = await RouterNetns.start(1280, ipv6 ? { ipv6: { kernel: "fd00:77::1", stack: "fd00:77::2" } } : {});
    defer(() => net.close());
    if (dropIcmp) await net.dropIcmp();
    const clock = new RealClock();
    const capture = tap(net.router.link, clock, name);
    const trace: string[] = [];
    const stack = new IpStack({
      address: net.router.stackAddress,
      ipv6: ipv6 ? ["fd00:77::2/64"] : [],
      link: capture.link,
      clock,
      onTrace: (t) => {
        trace.push(t);
        capture.link.annotate(t);
      },
    });
    defer(() => stack.close());
    const body = new Uint8Array(2 << 20).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
    const served = accept(stack.listen(80)).then((conn) => serveOnce(conn, body));
    const started = Date.now();
    const url = ipv6 ? "http://[fd00:77::2]/file" : `http://${net.router.stackAddress}/file`;
    const out = await net.execFar(["sh", "-c", `curl -sS -g --max-time 120 ${url} | sha256sum`], 150_000);
    const seconds = (Date.now() - started) / 1000;
    await served;
    expect(out.stderr).toBe("");
    expect(out.stdout.toString().split(" ")[0]).toBe(sha256(body));
    return { net, stack, trace, seconds, file: await capture.save() };
  }

  it("the router's frag-needed lowers the path MTU to 1280 and curl's 2 MiB download does not stall", async () => {
    const { stack, trace, seconds, file } = await download("pmtu-frag-needed", false);
    expect(stack.pathMtu(RouterNetns.FAR)).toBe(1280);
    expect(trace.some((l) => /path MTU 1500 -> 1280 \(ICMP fragmentation needed\)/.test(l))).toBe(true);
    expect(stack.counters.fragNeededIn).toBeGreaterThan(0);
    // No retransmission timeout: the resend follows the ICMP at once.
    expect(trace.some((l) => /RTO fired/.test(l))).toBe(false);
    expect(seconds).toBeLessThan(20);
    // The capture says so: the change is a packet comment, on the packet sent at the new size.
    if (haveTool("tshark")) {
      const comments = execFileSync("tshark", [
        "-r",
        file,
        "-Y",
        'frame.comment contains "path MTU"',
        "-T",
        "fields",
        "-e",
        "frame.comment",
      ]);
      expect(comments.toString()).toMatch(/path MTU 1500 -> 1280 \(ICMP fragmentation needed\), mss 1448 -> 1228/);
    }
    judgeQuotingApart(file, [...FLOW_CONTROL_WARNINGS, ...LOSS_WARNINGS], stack.address);
  });

  it("over IPv6 the router's packet too big (RFC 8201) lowers the path MTU to 1280; the download does not stall", async () => {
    const { stack, trace, seconds, file } = await download("pmtu-packet-too-big-ipv6", false, true);
    expect(stack.pathMtu(RouterNetns.FAR6)).toBe(1280);
    expect(trace.some((l) => /path MTU 1500 -> 1280 \(ICMP fragmentation needed\), mss 1428 -> 1208/.test(l))).toBe(
      true,
    );
    expect(stack.counters.fragNeededIn).toBeGreaterThan(0);
    expect(trace.some((l) => /RTO fired/.test(l))).toBe(false);
    expect(seconds).toBeLessThan(20);
    judgeQuotingApart(file, [...FLOW_CONTROL_WARNINGS, ...LOSS_WARNINGS], "fd00:77::2");
  });

  it("with ICMP dropped on the router, black-hole probing lowers the MSS and the download completes", async () => {
    const { net, stack, trace, file } = await download("pmtu-black-hole", true);
    expect(await net.droppedIcmp()).toBeGreaterThan(0);
    expect(stack.counters.fragNeededIn).toBe(0);
    expect(trace.some((l) => /black hole: 3 timeouts of full-sized segments/.test(l))).toBe(true);
    judge(file, [...FLOW_CONTROL_WARNINGS, ...LOSS_WARNINGS], stack.address);
  });
});

describeWith([...NETNS_TOOLS, "socat"], "interop: UDP datagrams over the MTU, both ways, with the kernel", () => {
  const defer = useCleanup();

  async function setUp(name: string) {
    const ns = await Netns.start();
    defer(() => ns.close());
    const clock = new RealClock();
    const capture = tap(withMtu(ns.link, 1500), clock, name);
    const stack = new IpStack({ address: ns.stackAddress, link: capture.link, clock });
    defer(() => stack.close());
    return { ns, stack, save: capture.save };
  }

  it("a 6000-byte datagram from the stack leaves in fragments and reaches socat whole", async () => {
    const { ns, stack, save } = await setUp("udp-fragments-out");
    const server = ns.spawn(["socat", "-b", "65536", "-u", "UDP-RECVFROM:5555", "STDOUT"]);
    const data = new Uint8Array(6000).map((_, i) => (i * 31) & 0xff);
    const socket = stack.udp({ port: 4000 });
    // socat binds a moment after it starts: send until it has one.
    const timer = setInterval(() => socket.send(data, parseIpv4(ns.kernelAddress), 5555), 100);
    const { stdout } = await server.exited;
    clearInterval(timer);
    expect(stdout.length).toBe(6000);
    expect(sha256(stdout)).toBe(sha256(data));
    expect(stack.counters.fragmentsOut).toBeGreaterThanOrEqual(5);
    judge(await save(), [], stack.address);
  });

  it("a 6000-byte datagram from socat comes in fragments and the stack's socket gets it whole", async () => {
    const { ns, stack, save } = await setUp("udp-fragments-in");
    const socket = stack.udp({ port: 5556 });
    const got = new Promise<Uint8Array>((resolve) => {
      socket.onReadable = () => {
        const d = socket.take();
        if (d !== null) resolve(d.data);
      };
    });
    const data = new Uint8Array(6000).map((_, i) => (i * 17 + 3) & 0xff);
    await ns.run(["socat", "-b", "65536", "-u", "STDIN", `UDP-SENDTO:${ns.stackAddress}:5556`], { input: data });
    const datagram = await got;
    expect(sha256(datagram)).toBe(sha256(data));
    expect(stack.counters.fragmentsIn).toBe(5); // 6008 bytes of UDP in 1480-byte pieces
    expect(stack.counters.datagramsReassembled).toBe(1);
    judge(await save(), [], stack.address);
  });
});
