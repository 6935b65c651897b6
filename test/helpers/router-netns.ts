import { type ChildProcess, spawn } from "node:child_process";
import { readlinkSync } from "node:fs";
import { Netns, type ExecResult, type NetnsOptions } from "./netns.js";

/**
 * Netns (netns.ts) with a second namespace behind it, the first one routing between them:
 *
 *   IpStack 10.77.0.2 <-> tun0 [router 10.77.0.1 | 10.78.0.1 veth0, MTU farMtu] <-> veth1 [far 10.78.0.2]
 *
 * The router's veth0 has the lower MTU, while the far host's veth1 keeps 1500, so the far host offers
 * an MSS of 1460 and only the router knows the path is narrower: it drops a larger DF packet and
 * answers with ICMP frag-needed (RFC 1191), which `dropIcmp()` filters with nftables (a black hole).
 */
export class RouterNetns {
  static readonly FAR = "10.78.0.2";
  /** With `options.ipv6`: the far host's IPv6 address, and the router's on veth0. */
  static readonly FAR6 = "fd00:78::2";
  static readonly ROUTER6 = "fd00:78::1";
  readonly router: Netns;
  readonly #far: ChildProcess;

  private constructor(router: Netns, far: ChildProcess) {
    this.router = router;
    this.#far = far;
  }

  static async start(farMtu: number, options: NetnsOptions = {}): Promise<RouterNetns> {
    const router = await Netns.start(options);
    const far = spawn("setpriv", ["--pdeathsig", "SIGKILL", "unshare", "--net", "sleep", "infinity"], {
      stdio: "ignore",
    });
    const r = new RouterNetns(router, far);
    try {
      await waitForNamespace(far.pid!);
      await router.run(["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]);
      await router.run(["ip", "link", "set", "veth1", "netns", String(far.pid)]);
      await router.run(["ip", "addr", "add", "10.78.0.1/24", "dev", "veth0"]);
      await router.run(["ip", "link", "set", "veth0", "mtu", String(farMtu), "up"]);
      await router.run(["sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
      await r.runFar(["ip", "link", "set", "lo", "up"]);
      await r.runFar(["ip", "addr", "add", `${RouterNetns.FAR}/24`, "dev", "veth1"]);
      await r.runFar(["ip", "link", "set", "veth1", "up"]);
      await r.runFar(["ip", "route", "add", "default", "via", "10.78.0.1"]);
      if (options.ipv6 !== undefined) {
        // The same over IPv6 (no DAD: the addresses are ours alone); the router forwards, so it sends
        // packet too big (RFC 4443 §3.2) for what does not fit veth0 (RFC 8200: 1280 at the least).
        await router.run(["sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"]);
        await router.run(["ip", "-6", "addr", "add", `${RouterNetns.ROUTER6}/64`, "dev", "veth0", "nodad"]);
        await r.runFar(["ip", "-6", "addr", "add", `${RouterNetns.FAR6}/64`, "dev", "veth1", "nodad"]);
        await r.runFar(["ip", "-6", "route", "add", "default", "via", RouterNetns.ROUTER6]);
      }
      return r;
    } catch (err) {
      await r.close();
      throw err;
    }
  }

  /** Runs `argv` in the far namespace; rejects unless it exits 0 within `timeoutMs`; returns stdout. */
  async runFar(argv: string[], timeoutMs = 60_000): Promise<string> {
    const r = await this.execFar(argv, timeoutMs);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
    return r.stdout.toString();
  }

  /** Runs `argv` in the far namespace and collects its output (SIGKILL after `timeoutMs`). */
  execFar(argv: string[], timeoutMs = 60_000): Promise<ExecResult> {
    const child = spawn(
      "setpriv",
      ["--pdeathsig", "SIGKILL", "nsenter", "-t", String(this.#far.pid), "-n", "--", ...argv],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
      });
    });
  }

  /** The router stops sending ICMP destination unreachable (frag-needed among them): nftables, output hook. */
  async dropIcmp(): Promise<void> {
    const rules = [
      "table ip wirestate_pmtu {",
      "  chain out { type filter hook output priority 0; icmp type destination-unreachable counter drop; }",
      "}",
    ];
    await this.router.run(["nft", "-f", "-"], { input: `${rules.join("\n")}\n` });
  }

  /** ICMP messages the `dropIcmp` rule has dropped. */
  async droppedIcmp(): Promise<number> {
    const out = await this.router.run(["nft", "list", "table", "ip", "wirestate_pmtu"]);
    return Number(/counter packets (\d+)/.exec(out)?.[1] ?? 0);
  }

  async close(): Promise<void> {
    if (this.#far.exitCode === null && this.#far.signalCode === null) {
      const gone = new Promise((r) => this.#far.once("close", r));
      this.#far.kill("SIGKILL");
      await gone;
    }
    await this.router.close();
  }
}

/** Waits until `pid` is in a network namespace of its own (unshare has run). */
async function waitForNamespace(pid: number): Promise<void> {
  const mine = readlinkSync("/proc/self/ns/net");
  for (let i = 0; i < 200; i++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== mine) return;
    } catch {
      // not started yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} did not enter a network namespace of its own`);
}
