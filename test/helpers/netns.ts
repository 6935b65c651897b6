import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type UdpTunnelLink, udpTunnelLink } from "../../src/link/node.js";

/**
 * The Linux kernel as a test peer (ARCHITECTURE.md, "Test methods"): a private network namespace made
 * with `unshare --net`, holding a TUN device that socat bridges to the userspace stack's UDP tunnel.
 *
 *   kernel (namespace) <-> tun0 <-> socat <-unix datagram-> socat <-UDP 127.0.0.1-> udpTunnelLink <-> IpStack
 *
 * The second socat runs outside the namespace because the stack lives in the test process, whose
 * loopback is not the namespace's; a filesystem unix socket is visible from both. Nothing is ever sent to
 * an address outside the namespace except 127.0.0.1 of the test's own namespace. Every process gets
 * SIGKILL if the test process dies (setpriv --pdeathsig), and the namespace vanishes with them.
 *
 * Tests that use this need `describeWith(NETNS_TOOLS, ...)`.
 */
export const NETNS_TOOLS = ["root", "socat", "unshare", "nsenter", "setpriv", "ip", "ss"];

export interface NetnsOptions {
  /** The kernel's address on tun0 (default 10.77.0.1); the namespace routes its /24 to the TUN. */
  kernelAddress?: string;
  /** The address the userspace stack should use (default 10.77.0.2). */
  stackAddress?: string;
  /** tun0's MTU (default 1500): lower it and the kernel advertises, and expects, a smaller MSS. */
  mtu?: number;
  /** Percent (0-100) of packets nftables drops on tun0, in each direction (default 0). */
  lossPercent?: number;
  /**
   * Make the stack's end of the tunnel here (default true). False leaves it to someone else (the
   * `wirestate` command in a test) that binds `tunnel.bind` and sends to `tunnel.peer`.
   */
  createLink?: boolean;
  /**
   * "tun" (default): tun0 carries IPv4 packets. "tap": tap0, an Ethernet device, whose frames the tunnel
   * carries (the stack's end is then an Ethernet link: give it to `ethernetLink`). See netns-tap.ts.
   */
  device?: "tun" | "tap";
  /**
   * IPv6 on tun0 as well (default off: IPv6 is disabled in the namespace): the kernel's address, with
   * /64 routed to the TUN, and the one the stack should use. No router solicitations or DAD on tun0.
   */
  ipv6?: { kernel: string; stack: string };
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Kill the command (SIGKILL) and reject after this long (default 60 s). */
  timeoutMs?: number;
}

/** A background process in the namespace (a server); killed by `Netns.close()` if still running. */
export interface NsProcess {
  readonly child: ChildProcess;
  /** Resolves when the process exits, with its output so far. */
  readonly exited: Promise<ExecResult>;
  stdoutText(): string;
  stderrText(): string;
  kill(): void;
}

const TUN = "tun0";
const TAP = "tap0";
/**
 * The relay's UDP buffers. The default (208 KiB) overflows when the stack sends a full congestion window
 * at once, and UDP drops silently: the "clean" tunnel would lose packets. 4 MiB is net.core.rmem_max here;
 * the kernel caps a larger request there.
 */
const SOCKET_BUFFER = 4 << 20;

export class Netns {
  readonly kernelAddress: string;
  readonly stackAddress: string;
  /** The IPv6 addresses when `ipv6` was given. */
  readonly kernelAddress6: string | null;
  readonly stackAddress6: string | null;
  /** The device in the namespace: tun0, or tap0 for `device: "tap"`. */
  readonly tun: string;
  /** Where the stack's end of the tunnel binds, and the relay it talks to ("127.0.0.1:port" each). */
  readonly tunnel: { bind: string; peer: string };
  readonly #link: UdpTunnelLink | null;
  readonly #holder: ChildProcess;
  readonly #relay: ChildProcess;
  readonly #dir: string;
  readonly #background = new Set<NsProcess>();
  #closed = false;

  private constructor(
    kernel: string,
    stack: string,
    tunnel: { bind: string; peer: string },
    link: UdpTunnelLink | null,
    holder: ChildProcess,
    relay: ChildProcess,
    dir: string,
    device: string,
    ipv6: { kernel: string; stack: string } | undefined,
  ) {
    this.tun = device;
    this.kernelAddress6 = ipv6?.kernel ?? null;
    this.stackAddress6 = ipv6?.stack ?? null;
    this.kernelAddress = kernel;
    this.stackAddress = stack;
    this.tunnel = tunnel;
    this.#link = link;
    this.#holder = holder;
    this.#relay = relay;
    this.#dir = dir;
  }

  /** The userspace stack's end of the tunnel: give it to `new IpStack({ link })`. */
  get link(): UdpTunnelLink {
    if (this.#link === null) throw new Error("this namespace was started with createLink: false");
    return this.#link;
  }

  /** "BIND=PEER", as the wirestate command's --tunnel takes it. */
  get tunnelArg(): string {
    return `${this.tunnel.bind}=${this.tunnel.peer}`;
  }

  /** The namespace's pid (its holder process), for `nsenter -t PID -n`. */
  get pid(): number {
    return this.#holder.pid!;
  }

  static async start(options: NetnsOptions = {}): Promise<Netns> {
    const kernel = options.kernelAddress ?? "10.77.0.1";
    const stack = options.stackAddress ?? "10.77.0.2";
    const mtu = options.mtu ?? 1500;
    const loss = options.lossPercent ?? 0;
    const tap = options.device === "tap";
    const device = tap ? TAP : TUN;
    const dir = mkdtempSync(join(tmpdir(), "wirestate-netns-"));
    const cleanup: Array<() => void> = [() => rmSync(dir, { recursive: true, force: true })];
    try {
      const relayPort = await freeUdpPort();
      const peer = `127.0.0.1:${relayPort}`;
      let link: UdpTunnelLink | null = null;
      let stackPort: number;
      if (options.createLink ?? true) {
        const created = await udpTunnelLink({
          bind: "127.0.0.1:0",
          peer,
          // A TAP device's frames are at most 1514 bytes; a TUN's packets are bounded by its MTU.
          mtu: tap ? 1514 : 65535,
          framing: tap ? "ethernet" : "ipv4",
        });
        cleanup.push(() => created.close());
        link = created;
        stackPort = created.local.port;
      } else {
        stackPort = await freeUdpPort();
      }
      const relay = spawn(
        "setpriv",
        [
          "--pdeathsig",
          "SIGKILL",
          "socat",
          "-b",
          "65536",
          `UNIX-SENDTO:${dir}/ns.sock,bind=${dir}/root.sock`,
          `UDP-DATAGRAM:127.0.0.1:${stackPort},bind=${peer},rcvbuf=${SOCKET_BUFFER},sndbuf=${SOCKET_BUFFER}`,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      cleanup.push(() => relay.kill("SIGKILL"));
      await waitFor(() => existsSync(join(dir, "root.sock")), relay, "the relay socat");
      const holder = spawn("setpriv", ["--pdeathsig", "SIGKILL", "unshare", "--net", "bash", "-c", NAMESPACE_SCRIPT], {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          D: dir,
          ADDR: kernel,
          ADDR6: options.ipv6?.kernel ?? "",
          TUN: device,
          TUNTYPE: tap ? "tap" : "tun",
        },
      });
      cleanup.push(() => holder.kill("SIGKILL"));
      let said = "";
      holder.stdout!.on("data", (chunk: Buffer) => (said += chunk.toString()));
      await waitFor(() => said.includes("ready"), holder, "the namespace");
      const ns = new Netns(
        kernel,
        stack,
        { bind: `127.0.0.1:${stackPort}`, peer },
        link,
        holder,
        relay,
        dir,
        device,
        options.ipv6,
      );
      cleanup.push(() => void ns.close());
      if (mtu !== 1500) await ns.setMtu(mtu);
      if (loss > 0) await ns.setLoss(loss);
      return ns;
    } catch (err) {
      for (const fn of cleanup.reverse()) fn();
      throw err;
    }
  }

  /** Runs `argv` in the namespace and collects its output. Rejects only on timeout or a failure to start. */
  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const p = this.spawn(argv);
    p.child.stdin!.end(options.input ?? "");
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        p.kill();
        reject(new Error(`${argv.join(" ")}: still running after ${timeoutMs} ms; stderr: ${p.stderrText()}`));
      }, timeoutMs);
      p.exited.then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (err) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** Like `exec`, but throws unless the command exits 0; returns its stdout as text. */
  async run(argv: string[], options: ExecOptions = {}): Promise<string> {
    const r = await this.exec(argv, options);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
    return r.stdout.toString();
  }

  /** Starts `argv` in the namespace in the background. */
  spawn(argv: string[]): NsProcess {
    if (this.#closed) throw new Error("the namespace is closed");
    const child = spawn("setpriv", ["--pdeathsig", "SIGKILL", "nsenter", "-t", String(this.pid), "-n", "--", ...argv], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => err.push(c));
    child.stdin!.on("error", () => {}); // a command that exits without reading its input
    const p: NsProcess = {
      child,
      exited: new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code, signal) => {
          this.#background.delete(p);
          resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
        });
      }),
      stdoutText: () => Buffer.concat(out).toString(),
      stderrText: () => Buffer.concat(err).toString(),
      kill: () => void child.kill("SIGKILL"),
    };
    this.#background.add(p);
    return p;
  }

  /** Waits until a kernel socket in the namespace listens on TCP `port`. */
  async waitForListen(port: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const out = await this.run(["ss", "-Hltn", `sport = :${port}`]);
      if (out.trim().length > 0) return;
      await sleep(50);
    }
    throw new Error(`nothing listens on TCP port ${port} in the namespace after ${timeoutMs} ms`);
  }

  /** Drops `percent` of the packets crossing tun0, each direction (nftables `numgen random`); 0 removes it. */
  async setLoss(percent: number): Promise<void> {
    if (!(Number.isInteger(percent) && percent >= 0 && percent <= 100))
      throw new RangeError(`loss must be an integer percent, got ${percent}`);
    // Declaring the table first makes the delete safe when it does not exist yet; one transaction.
    // The inet family: IPv4 and IPv6 packets alike (when the namespace has IPv6 on).
    const rules = [`table inet ${LOSS_TABLE}`, `delete table inet ${LOSS_TABLE}`];
    if (percent > 0) {
      rules.push(
        `table inet ${LOSS_TABLE} {`,
        `  chain to_kernel { type filter hook input priority 0; iifname "${this.tun}" numgen random mod 100 < ${percent} counter drop; }`,
        `  chain from_kernel { type filter hook output priority 0; oifname "${this.tun}" numgen random mod 100 < ${percent} counter drop; }`,
        `}`,
      );
    }
    await this.run(["nft", "-f", "-"], { input: `${rules.join("\n")}\n` });
  }

  /** Sets tun0's MTU. */
  async setMtu(mtu: number): Promise<void> {
    await this.run(["ip", "link", "set", this.tun, "mtu", String(mtu)]);
  }

  /** Counters of the nftables loss rule: packets dropped so far in [to the kernel, from the kernel]. */
  async droppedByLossRule(): Promise<[number, number]> {
    const out = await this.run(["nft", "list", "table", "inet", LOSS_TABLE]);
    const counts = [...out.matchAll(/counter packets (\d+)/g)].map((m) => Number(m[1]));
    return [counts[0] ?? 0, counts[1] ?? 0];
  }

  /** Kills everything the namespace holds; the namespace and tun0 vanish with the last process. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const waits = [...this.#background].map((p) => {
      p.kill();
      return p.exited.catch(() => undefined);
    });
    for (const child of [this.#holder, this.#relay]) {
      if (child.exitCode === null && child.signalCode === null) {
        waits.push(new Promise((r) => child.once("close", r)));
        child.kill("SIGKILL");
      }
    }
    this.#link?.close();
    await Promise.all(waits);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Runs as the namespace's first process: loopback up, IPv6 off (no router solicitations on the TUN)
 * unless ADDR6 asks for it (then on, without router solicitations or DAD, ADDR6/64 on the TUN), socat
 * making tun0 and bridging it to the relay's unix socket, then "ready" on stdout. It lives as long as
 * socat does.
 */
const NAMESPACE_SCRIPT = `
set -eu
ip link set lo up
# /proc/sys/net is the namespace's own (no procps needed); absent when the kernel has no IPv6 at all.
if [ -d /proc/sys/net/ipv6 ]; then
  if [ -z "$ADDR6" ]; then
    echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
    echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
  else
    echo 0 > /proc/sys/net/ipv6/conf/default/router_solicitations
    echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad
    echo 0 > /proc/sys/net/ipv6/conf/default/accept_ra
  fi
fi
setpriv --pdeathsig SIGKILL socat -b 65536 \\
  "TUN:$ADDR/24,tun-name=$TUN,tun-type=$TUNTYPE,iff-no-pi,iff-up" \\
  "UNIX-SENDTO:$D/root.sock,bind=$D/ns.sock" &
for i in $(seq 200); do
  if ip link show "$TUN" >/dev/null 2>&1 && [ -S "$D/ns.sock" ]; then break; fi
  sleep 0.025
done
ip link show "$TUN" >/dev/null
if [ -n "$ADDR6" ]; then ip -6 addr add "$ADDR6/64" dev "$TUN" nodad; fi
echo ready
wait
`;

const LOSS_TABLE = "wirestate_loss";

async function waitFor(done: () => boolean, child: ChildProcess, what: string, timeoutMs = 10_000): Promise<void> {
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${stderr.trim()}`);
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms: ${stderr.trim()}`);
    await sleep(20);
  }
}

/** A UDP port on 127.0.0.1 that was free a moment ago (socat needs a number before it binds). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
