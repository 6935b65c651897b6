import { expect, it, vi } from "vitest";
import { Stack } from "../../src/api/index.js";
import { RealClock } from "../../src/clock/index.js";
import {
  fromIterableSocket,
  NameNotFoundError,
  NoRecordsError,
  Resolver,
  type DatagramNetwork,
  type StreamConnector,
} from "../../src/dns/index.js";
import { useCleanup } from "../helpers/cleanup.js";
import { dnsmasqArgv } from "../helpers/dnsmasq.js";
import { Netns, NETNS_TOOLS, type NsProcess } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { tsharkFields } from "../helpers/tshark.js";
import { judge, tap } from "./capture.js";

vi.setConfig({ testTimeout: 60_000 });

/**
 * The resolver against a kernel-side DNS server: Debian's dnsmasq in the namespace, reached from a
 * wirestate stack on the TUN harness over DNS over TCP (RFC 7766) on the stack's TCP, and over the
 * stack's own UDP. Every byte of DNS on the wire is dnsmasq's or ours, and Wireshark's DNS dissector reads
 * the capture.
 */
describeWith([...NETNS_TOOLS, "dnsmasq", "tshark"], "interop: the resolver and dnsmasq", () => {
  const defer = useCleanup();

  /** A namespace running dnsmasq, and a stack on its tunnel whose UDP the resolver uses, every packet captured. */
  async function setUp(name: string) {
    const ns = await Netns.start();
    defer(() => ns.close());
    const clock = new RealClock();
    const capture = tap(ns.link, clock, name);
    const stack = new Stack({
      address: ns.stackAddress,
      link: capture.link,
      clock,
      onTrace: (t) => capture.link.annotate(t),
    });
    defer(() => stack.close());
    const dnsmasq = await startDnsmasq(ns);
    const tcp: StreamConnector = (address, port) => stack.connect(address, port);
    const udp: DatagramNetwork = { bind: (port) => fromIterableSocket(stack.udp({ port })) };
    return { ns, clock, capture, udp, tcp, dnsmasq };
  }

  it("resolves a host record, a CNAME to it, NXDOMAIN and NODATA over TCP; the capture is clean", async () => {
    const { ns, clock, capture, tcp, dnsmasq } = await setUp("dns-dnsmasq-tcp");
    const resolver = new Resolver({ servers: [ns.kernelAddress], clock, tcp, timeout: 5000, attempts: 1 });

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

  it("over UDP through the TUN: a plain query's truncated answer is asked again over TCP; EDNS(0) gets it in one datagram", async () => {
    const { ns, clock, capture, udp, tcp, dnsmasq } = await setUp("dns-dnsmasq-udp");
    const options = { servers: [ns.kernelAddress], clock, udp, tcp, timeout: 5000, attempts: 1 };

    const plain = new Resolver({ ...options, udpPayload: false });
    expect((await plain.resolve("big.test")).addresses.sort()).toEqual([...BIG].sort());
    expect(plain.counters).toMatchObject({ udpQueries: 1, truncated: 1, tcpQueries: 1, mismatched: 0 });
    await expect(plain.resolve("missing.test")).rejects.toBeInstanceOf(NameNotFoundError);

    const edns = new Resolver(options);
    expect((await edns.resolve("big.test")).addresses.sort()).toEqual([...BIG].sort());
    expect(edns.counters).toMatchObject({ udpQueries: 1, truncated: 0, tcpQueries: 0 });

    await new Promise((r) => setTimeout(r, 300));
    const file = await capture.save();
    judge(file, [], ns.stackAddress);
    // Per UDP datagram: response?, TC, answers, EDNS payload size. dnsmasq cut the plain answer to 30 records.
    const fields = [
      "udp.srcport",
      "dns.flags.response",
      "dns.flags.truncated",
      "dns.count.answers",
      "dns.rr.udp_payload_size",
    ];
    const datagrams = tsharkFields(file, fields, ",")
      .filter(([srcport, response]) => srcport !== "" && response !== "")
      .map(([, ...rest]) => rest.join(" "));
    expect(datagrams).toEqual(["0 0 0 ", "1 1 30 ", "0 0 0 ", "1 0 0 ", "0 0 0 1232", "1 0 40 1232"]);
    expect(dnsmasq.stdoutText() + dnsmasq.stderrText()).toMatch(/query\[A\] big\.test from 10\.77\.0\.2/);
  });
});

/** 40 addresses for big.test: 664 bytes of answer, over the 512 a plain UDP answer may carry. */
const BIG = Array.from({ length: 40 }, (_, i) => `10.77.1.${i + 1}`);

/** dnsmasq in the namespace, answering on the kernel's address, UDP and TCP port 53, from these records only. */
async function startDnsmasq(ns: Netns): Promise<NsProcess> {
  const dnsmasq = ns.spawn(
    dnsmasqArgv(ns, [
      // Host records are served with TTL 0 unless told otherwise; 60 s lets the cache be seen working.
      "--local-ttl=60",
      "--host-record=name.test,10.77.0.1",
      "--host-record=name.test,10.77.0.9",
      "--cname=www.test,name.test",
      "--txt-record=textonly.test,hello",
      ...BIG.map((address) => `--host-record=big.test,${address}`),
    ]),
  );
  await waitForTcp(ns, dnsmasq, 53);
  return dnsmasq;
}

/** Waits for `port` to listen in the namespace, failing early with dnsmasq's own words when it exits. */
async function waitForTcp(ns: Netns, server: NsProcess, port: number): Promise<void> {
  const exited = server.exited.then((r) => {
    throw new Error(`dnsmasq exited ${r.code ?? r.signal}: ${r.stderr}`);
  });
  await Promise.race([ns.waitForListen(port), exited]);
}
