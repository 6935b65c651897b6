import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes, createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it, vi } from "vitest";
import { PortUnreachableError, Stack, type PingResult } from "../../src/api/index.js";
import { run } from "../../src/cli/run.js";
import { RealClock } from "../../src/clock/index.js";
import { useCleanup } from "../helpers/cleanup.js";
import { dnsmasqArgv } from "../helpers/dnsmasq.js";
import { Netns, NETNS_TOOLS, type NsProcess } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { tsharkFields } from "../helpers/tshark.js";
import { CAPTURE_DIR, FLOW_CONTROL_WARNINGS, judge, tap } from "./capture.js";
import { testIo } from "./cli-io.js";

vi.setConfig({ testTimeout: 60_000 });

/**
 * ICMP, UDP and DNS against the Linux kernel through the TUN harness: iputils ping, socat and dnsmasq
 * in the namespace, a wirestate Stack (or the wirestate command) on the tunnel. Every capture passes the
 * Wireshark judge with ICMP, UDP and DNS dissected.
 */
describeWith(
  [...NETNS_TOOLS, "ping", "dnsmasq", "python3", "tshark"],
  "interop: ICMP, UDP and DNS with the kernel",
  () => {
    const defer = useCleanup();

    async function setUp(name: string, dns?: string[]) {
      const ns = await Netns.start();
      defer(() => ns.close());
      const clock = new RealClock();
      const capture = tap(ns.link, clock, name);
      const stack = new Stack({ address: ns.stackAddress, link: capture.link, clock, dns });
      defer(() => stack.close());
      return { ns, stack, capture };
    }

    it("the kernel's ping gets replies from the stack", async () => {
      const { ns, stack, capture } = await setUp("ipv4-kernel-ping");
      const out = await ns.run(["ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "200", ns.stackAddress]);
      expect(out).toMatch(/3 packets transmitted, 3 received, 0% packet loss/);
      expect(out).toMatch(/208 bytes from 10\.77\.0\.2: icmp_seq=1 ttl=64/);
      expect(stack.counters.echoRepliesSent).toBe(3);
      const file = await capture.save();
      judge(file, [], ns.stackAddress);
      expect(tsharkFields(file, ["icmp.type", "icmp.seq"]).map((r) => r.join(" "))).toEqual([
        "8 1",
        "0 1",
        "8 2",
        "0 2",
        "8 3",
        "0 3",
      ]);
    });

    it("the stack's ping gets replies from the kernel", async () => {
      const { ns, stack, capture } = await setUp("ipv4-stack-ping");
      const results: PingResult[] = [];
      for await (const r of stack.ping(ns.kernelAddress, { count: 3, interval: 100, size: 64 })) results.push(r);
      expect(results.map((r) => (r.ok ? `${r.seq} ${r.bytes} ${r.ttl}` : r.reason))).toEqual([
        "1 72 64",
        "2 72 64",
        "3 72 64",
      ]);
      for (const r of results) if (r.ok) expect(r.rtt).toBeLessThan(1000);
      judge(await capture.save(), [], ns.stackAddress);
    });

    it("socat exchanges UDP datagrams with the stack both ways", async () => {
      const { ns, stack, capture } = await setUp("ipv4-udp-socat");
      // Kernel to stack and back: the stack echoes, socat's connected UDP socket prints the answer.
      const echo = stack.udp({ port: 7000 });
      void (async () => {
        for await (const m of echo) echo.send(`echo:${new TextDecoder().decode(m.data)}`, m.address, m.port);
      })();
      const back = await ns.run(["socat", "-T", "1", "-", `UDP4:${ns.stackAddress}:7000`], {
        input: "from the kernel",
      });
      expect(back).toBe("echo:from the kernel");
      // Stack to kernel: socat receives and prints one datagram.
      const receiver = ns.spawn(["socat", "-u", `UDP4-RECV:7001,bind=${ns.kernelAddress}`, "STDOUT"]);
      await waitForUdp(ns, receiver, 7001);
      const sender = stack.udp();
      sender.send("from the stack", ns.kernelAddress, 7001);
      await until(() => receiver.stdoutText() === "from the stack");
      receiver.kill();
      judge(await capture.save(), [], ns.stackAddress);
    });

    it("a datagram to a closed port gets ICMP port unreachable back, in both directions", async () => {
      const { ns, stack, capture } = await setUp("ipv4-udp-closed-port");
      // The kernel's datagram to a closed stack port: its connected socket sees ECONNREFUSED.
      const refused = await ns.exec(["socat", "-T", "1", "-", `UDP4:${ns.stackAddress}:7999`], { input: "anyone?" });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/Connection refused/);
      expect(stack.counters.icmpErrorsSent).toBe(1);
      // The stack's datagram to a closed kernel port: the connected socket's next call throws.
      const c = stack.udp().connect(ns.kernelAddress, 7998);
      c.send("anyone?");
      await expect(c.receive()).rejects.toBeInstanceOf(PortUnreachableError);
      const file = await capture.save();
      judge(file, [], ns.stackAddress);
      // The outer source (an error also carries the quoted header's), type and code of each ICMP message.
      const icmp = tsharkFields(file, ["ip.src", "icmp.type", "icmp.code"]).filter(([, t]) => t !== "");
      expect(icmp.map(([src, t, c]) => [src.split("|")[0], t, c])).toEqual([
        [ns.stackAddress, "3", "3"],
        [ns.kernelAddress, "3", "3"],
      ]);
    });

    it("dnsmasq answers the resolver over the stack's UDP, and wirestate fetch downloads by name", async () => {
      const dir = mkdtempSync(join(tmpdir(), "wirestate-ipv4-"));
      defer(() => rmSync(dir, { recursive: true, force: true }));
      const { ns, stack, capture } = await setUp("ipv4-dns-dnsmasq", ["10.77.0.1"]);
      const dnsmasq = startDnsmasq(ns);
      await waitForUdp(ns, dnsmasq, 53);
      const answer = await stack.resolve("name.test");
      expect(answer.addresses).toEqual([ns.kernelAddress]);
      await expect(stack.resolve("other.test")).rejects.toThrow(/other\.test/);
      const file = await capture.save();
      judge(file, [], ns.stackAddress);
      const dns = tsharkFields(file, ["udp.srcport", "udp.dstport", "dns.qry.name", "dns.a"], ",").filter(
        ([, , n]) => n,
      );
      expect(dns.map(([, , name, a]) => `${name} ${a}`)).toEqual([
        "name.test ",
        "name.test 10.77.0.1",
        "other.test ",
        "other.test ",
      ]);
      stack.close();

      // The command: a fresh stack on its own tunnel end, the name looked up through --dns.
      const body = randomBytes(256 << 10);
      writeFileSync(join(dir, "file"), body);
      const ns2 = await Netns.start({ createLink: false });
      defer(() => ns2.close());
      const dnsmasq2 = startDnsmasq(ns2);
      await waitForUdp(ns2, dnsmasq2, 53);
      const server = ns2.spawn([
        "python3",
        "-m",
        "http.server",
        "--bind",
        ns2.kernelAddress,
        "--directory",
        dir,
        "8000",
      ]);
      defer(() => server.kill());
      await ns2.waitForListen(8000);
      const output = join(dir, "fetched");
      const cliCapture = join(CAPTURE_DIR, "ipv4-fetch-by-name.pcapng");
      const io = testIo();
      const code = await run(
        [
          "fetch",
          "http://name.test:8000/file",
          "--dns",
          ns2.kernelAddress,
          "--tunnel",
          ns2.tunnelArg,
          "--address",
          ns2.stackAddress,
          "--output",
          output,
          "--capture",
          cliCapture,
        ],
        io,
      );
      expect(io.err()).toMatch(/^262144 bytes in/);
      expect(code).toBe(0);
      expect(createHash("sha256").update(readFileSync(output)).digest("hex")).toBe(
        createHash("sha256").update(body).digest("hex"),
      );
      expect(dnsmasq2.stdoutText() + dnsmasq2.stderrText()).toMatch(/query\[A\] name\.test from 10\.77\.0\.2/);
      // The same download as cli-http's fetch: the CLI's reader can trail the kernel's burst, so our window
      // may close for a moment before autotuning opens it (flow control, as there).
      judge(cliCapture, FLOW_CONTROL_WARNINGS, ns2.stackAddress);
    });

    it("wirestate http answers the kernel's ping and its UDP to a closed port", async () => {
      const dir = mkdtempSync(join(tmpdir(), "wirestate-ipv4-"));
      defer(() => rmSync(dir, { recursive: true, force: true }));
      const ns = await Netns.start({ createLink: false });
      defer(() => ns.close());
      const io = testIo();
      const capture = join(CAPTURE_DIR, "ipv4-http-ping.pcapng");
      const exited = run(
        ["http", "--tunnel", ns.tunnelArg, "--address", ns.stackAddress, "--dir", dir, "--capture", capture],
        io,
      );
      await until(() => io.err().includes("serving"));
      const out = await ns.run(["ping", "-c", "2", "-i", "0.2", "-W", "2", ns.stackAddress]);
      expect(out).toMatch(/2 packets transmitted, 2 received/);
      const refused = await ns.exec(["socat", "-T", "1", "-", `UDP4:${ns.stackAddress}:9`], { input: "x" });
      expect(refused.stderr).toMatch(/Connection refused/);
      io.stop();
      expect(await exited).toBe(0);
      judge(capture, [], ns.stackAddress);
    });

    it("wirestate ping and nc (TCP and UDP) against the kernel's ping target and socat", async () => {
      const ns = await Netns.start({ createLink: false });
      defer(() => ns.close());
      const tunnel = ["--tunnel", ns.tunnelArg, "--address", ns.stackAddress];
      const ping = testIo();
      expect(await run(["ping", ns.kernelAddress, "-c", "2", "-i", "0.1", ...tunnel], ping)).toBe(0);
      expect(ping.out().toString()).toMatch(/2 packets transmitted, 2 received, 0% packet loss/);

      const tcp = ns.spawn(["socat", `TCP4-LISTEN:7100,bind=${ns.kernelAddress}`, "EXEC:rev"]);
      defer(() => tcp.kill());
      await ns.waitForListen(7100);
      const tcpIo = Object.assign(testIo(), { stdin: streamOf("olleh\n") });
      expect(await run(["nc", ns.kernelAddress, "7100", ...tunnel], tcpIo)).toBe(0);
      expect(tcpIo.out().toString()).toBe("hello\n");

      const udp = ns.spawn(["socat", `UDP4-RECVFROM:7101,bind=${ns.kernelAddress}`, "EXEC:rev"]);
      defer(() => udp.kill());
      await waitForUdp(ns, udp, 7101);
      const udpIo = Object.assign(testIo(), { stdin: streamOf("pdu\n") });
      expect(await run(["nc", "-u", "-w", "0.5", ns.kernelAddress, "7101", ...tunnel], udpIo)).toBe(0);
      expect(udpIo.out().toString()).toBe("udp\n");
    });
  },
);

function streamOf(text: string): PassThrough {
  const s = new PassThrough();
  s.end(text);
  return s;
}

function startDnsmasq(ns: Netns): NsProcess {
  return ns.spawn(dnsmasqArgv(ns, [`--address=/name.test/${ns.kernelAddress}`]));
}

/** Waits for a UDP socket on `port` in the namespace, failing early when the server exits. */
async function waitForUdp(ns: Netns, server: NsProcess, port: number): Promise<void> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server for UDP ${port} exited: ${server.stderrText()}`);
    if ((await ns.run(["ss", "-Hlun", `sport = :${port}`])).trim() !== "") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing bound UDP port ${port} in the namespace`);
}

async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
