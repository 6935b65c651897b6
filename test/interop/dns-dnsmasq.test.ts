import { afterEach, expect, it, vi } from "vitest";
import { Stack } from "../../src/api/index.js";
import { RealClock } from "../../src/clock/index.js";
import { NameNotFoundError, NoRecordsError, Resolver } from "../../src/dns/index.js";
import { Netns, NETNS_TOOLS, type NsProcess } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { tsharkFields } from "../helpers/tshark.js";
import { judge, tap } from "./capture.js";

vi.setConfig({ testTimeout: 60_000 });

/**
 * The resolver against a kernel-side DNS server: Debian's dnsmasq in the namespace, reached over DNS
 * over TCP (RFC 7766) from a wirestate stack on the TUN harness, since the stack has no UDP yet. Every
 * byte of DNS on the wire is either dnsmasq's or ours, and Wireshark's DNS dissector reads the capture.
 */
describeWith([...NETNS_TOOLS, "dnsmasq", "tshark"], "interop: the resolver and dnsmasq", () => {
  let ns: Netns | null = null;
  let stack: Stack | null = null;
  afterEach(async () => {
    stack?.close();
    stack = null;
    await ns?.close();
    ns = null;
  });

  it("resolves a host record, a CNAME to it, NXDOMAIN and NODATA over TCP; the capture is clean", async () => {
    ns = await Netns.start();
    const clock = new RealClock();
    const capture = tap(ns.link, clock, "dns-dnsmasq-tcp");
    stack = new Stack({
      address: ns.stackAddress,
      link: capture.link,
      clock,
      onTrace: (t) => capture.link.annotate(t),
    });
    const dnsmasq = ns.spawn([
      "dnsmasq",
      // Debug mode: no fork per TCP connection, so killing this one process ends the server (a forked
      // child would outlive it, holding the output pipes open).
      "--no-daemon",
      "--no-resolv",
      "--no-hosts",
      "--no-poll",
      "--pid-file=",
      // Host records are served with TTL 0 unless told otherwise; 60 s lets the cache be seen working.
      "--local-ttl=60",
      "--log-facility=-",
      "--log-queries",
      "--bind-interfaces",
      `--listen-address=${ns.kernelAddress}`,
      "--port=53",
      // Names under .test that dnsmasq does not hold are NXDOMAIN (answered locally, never forwarded).
      "--local=/test/",
      "--host-record=name.test,10.77.0.1",
      "--host-record=name.test,10.77.0.9",
      "--cname=www.test,name.test",
      "--txt-record=textonly.test,hello",
    ]);
    await waitForTcp(ns, dnsmasq, 53);
    const s = stack;
    const resolver = new Resolver({
      servers: [ns.kernelAddress],
      clock,
      tcp: (address, port) => s.connect(address, port),
      timeout: 5000,
      attempts: 1,
    });

    const direct = await resolver.resolve("name.test");
    expect(direct.addresses.sort()).toEqual(["10.77.0.1", "10.77.0.9"]);
    expect(direct.canonicalName).toBe("name.test");
    const alias = await resolver.resolve("WWW.test");
    expect(alias.canonicalName).toBe("name.test");
    expect(alias.addresses.sort()).toEqual(["10.77.0.1", "10.77.0.9"]);
    await expect(resolver.resolve("missing.test")).rejects.toBeInstanceOf(NameNotFoundError);
    await expect(resolver.resolve("textonly.test")).rejects.toBeInstanceOf(NoRecordsError);
    // Cached: no fifth connection.
    await resolver.resolve("name.test");
    expect(resolver.counters).toMatchObject({ tcpQueries: 4, cacheHits: 1 });

    // Let the last close finish before the capture is cut.
    await new Promise((r) => setTimeout(r, 300));
    const file = await capture.save();
    judge(file, [], ns.stackAddress);
    // Wireshark's DNS dissector reads our queries and dnsmasq's answers (and the judge found nothing malformed).
    const dns = tsharkFields(file, ["dns.flags.response", "dns.qry.name", "dns.flags.rcode", "dns.cname"], ",").filter(
      ([, name]) => name !== "",
    );
    expect(dns.filter(([response]) => response === "0").map(([, name]) => name)).toEqual([
      "name.test",
      "www.test",
      "missing.test",
      "textonly.test",
    ]);
    expect(
      dns.filter(([response]) => response === "1").map(([, name, rcode, cname]) => `${name} ${rcode} ${cname}`),
    ).toEqual(["name.test 0 ", "www.test 0 name.test", "missing.test 3 ", "textonly.test 0 "]);
    expect(dnsmasq.stdoutText() + dnsmasq.stderrText()).toMatch(/query\[A\] www\.test from 10\.77\.0\.2/);
  });
});

/** Waits for `port` to listen in the namespace, failing early with dnsmasq's own words when it exits. */
async function waitForTcp(ns: Netns, server: NsProcess, port: number): Promise<void> {
  const exited = server.exited.then((r) => {
    throw new Error(`dnsmasq exited ${r.code ?? r.signal}: ${r.stderr}`);
  });
  await Promise.race([ns.waitForListen(port), exited]);
}
