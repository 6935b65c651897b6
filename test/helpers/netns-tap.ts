import { type ChildProcess, spawn } from "node:child_process";
import { Netns, type ExecResult } from "./netns.js";

/**
 * The TAP variant of the namespace harness: tap0 instead of tun0, so the kernel speaks Ethernet and ARP
 * to the stack (`socat TUN:...,tun-type=tap`), and optionally a second namespace behind the first, joined
 * by a veth pair, with IP forwarding on in the first: the kernel is then the stack's default gateway to a
 * subnet it does not share.
 *
 *   stack --(Ethernet over the UDP tunnel)-- tap0 [ns 1: 10.77.0.1, forwarding] veth0 -- veth1 [ns 2: 10.78.0.2]
 *
 * The second namespace is its own `unshare --net` process (SIGKILL with the test process), not a named
 * `ip netns`, so it vanishes with its processes as the first does.
 */
export async function startTapNetns(): Promise<Netns> {
  return Netns.start({ device: "tap" });
}

export interface FarNamespace {
  /** The far host's address (10.78.0.2) and the first namespace's on that subnet (10.78.0.1). */
  readonly address: string;
  readonly gateway: string;
  /** Runs `argv` in the far namespace and collects its output. */
  exec(argv: string[], timeoutMs?: number): Promise<ExecResult>;
  /** Starts `argv` in the far namespace in the background; killed by `close`. */
  spawn(argv: string[]): ChildProcess;
  close(): Promise<void>;
}

/** A second namespace routed through `ns`'s kernel (forwarding on in `ns`). */
export async function farNamespace(ns: Netns): Promise<FarNamespace> {
  const holder = spawn(
    "setpriv",
    ["--pdeathsig", "SIGKILL", "unshare", "--net", "bash", "-c", "ip link set lo up; echo ready; exec sleep infinity"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on("data", (c: Buffer) => c.toString().includes("ready") && resolve());
    holder.once("exit", (code) => reject(new Error(`far namespace exited (${code}) before it was ready`)));
  });
  const children = new Set<ChildProcess>([holder]);
  const inFar = (argv: string[]) =>
    spawn("setpriv", ["--pdeathsig", "SIGKILL", "nsenter", "-t", String(holder.pid), "-n", "--", ...argv], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  const exec = (argv: string[], timeoutMs = 30_000): Promise<ExecResult> => {
    const child = inFar(argv);
    const out: Buffer[] = [];
    let err = "";
    child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
      });
    });
  };
  const must = async (r: Promise<ExecResult>, what: string) => {
    const done = await r;
    if (done.code !== 0) throw new Error(`${what} exited ${done.code ?? done.signal}: ${done.stderr.trim()}`);
  };
  const far = { address: "10.78.0.2", gateway: "10.78.0.1" };
  await ns.run(["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", String(holder.pid)]);
  await ns.run(["ip", "addr", "add", `${far.gateway}/24`, "dev", "veth0"]);
  await ns.run(["ip", "link", "set", "veth0", "up"]);
  // /proc/sys/net is the namespace's own: forwarding on in the first namespace only.
  await ns.run(["sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
  await must(exec(["ip", "addr", "add", `${far.address}/24`, "dev", "veth1"]), "ip addr");
  await must(exec(["ip", "link", "set", "veth1", "up"]), "ip link");
  await must(exec(["ip", "route", "add", "default", "via", far.gateway]), "ip route");
  return {
    ...far,
    exec,
    spawn: (argv) => {
      const child = inFar(argv);
      children.add(child);
      return child;
    },
    close: async () => {
      const waits = [...children]
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => new Promise((r) => c.once("close", r)));
      for (const c of children) c.kill("SIGKILL");
      await Promise.all(waits);
    },
  };
}
