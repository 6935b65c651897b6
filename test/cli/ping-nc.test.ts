import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Stack } from "../../src/api/index.js";
import { run } from "../../src/cli/run.js";
import { udpTunnelLink } from "../../src/link/node.js";
import { buildDnsMessage, DnsType, parseDnsMessage } from "../../src/wire/index.js";
import { freeUdpPort } from "../helpers/netns.js";
import { testIo } from "../interop/cli-io.js";

/**
 * `wirestate ping` and `wirestate nc` against a userspace peer in this process, joined by UDP tunnels on
 * 127.0.0.1 (no root). Against the kernel: test/interop/ipv4.test.ts.
 */
const PEER = "10.9.1.1";
const CLI = "10.9.1.2";

const open: Array<() => void> = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

/** A peer stack on a tunnel; returns it and the --tunnel value the command needs. */
async function peer(): Promise<{ stack: Stack; tunnel: string[] }> {
  const [a, b] = [await freeUdpPort(), await freeUdpPort()];
  const link = await udpTunnelLink({ bind: `127.0.0.1:${a}`, peer: `127.0.0.1:${b}` });
  const stack = new Stack({ address: PEER, link });
  open.push(() => {
    stack.close();
    link.close();
  });
  return { stack, tunnel: ["--tunnel", `127.0.0.1:${b}=127.0.0.1:${a}`, "--address", CLI] };
}

function withStdin(text: string) {
  const io = testIo();
  const stdin = new PassThrough();
  stdin.end(text);
  return Object.assign(io, { stdin });
}

describe("wirestate ping", () => {
  it("prints a reply line per request and the statistics, and exits 0", async () => {
    const { tunnel } = await peer();
    const io = testIo();
    const code = await run(["ping", PEER, "-c", "3", "-s", "100", "-i", "0.05", ...tunnel], io);
    const out = io.out().toString();
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^PING ${PEER} \\(${PEER}\\) 100\\(128\\) bytes of data\\.\n`));
    for (const seq of [1, 2, 3])
      expect(out).toMatch(new RegExp(`108 bytes from ${PEER}: icmp_seq=${seq} ttl=64 time=`));
    expect(out).toContain("3 packets transmitted, 3 received, 0% packet loss");
  });

  it("exits 1 when nothing answers", async () => {
    const { tunnel } = await peer();
    const io = testIo();
    const code = await run(["ping", "10.9.1.77", "-c", "1", "-W", "0.2", ...tunnel], io);
    expect(code).toBe(1);
    expect(io.out().toString()).toContain("1 packets transmitted, 0 received, 100% packet loss");
  });
});

describe("wirestate nc", () => {
  it("TCP: stdin to the peer, the peer's reply to stdout, ends when the peer closes", async () => {
    const { stack, tunnel } = await peer();
    const listener = stack.listen(7000);
    const served = (async () => {
      const conn = await listener.accept();
      let got = "";
      for (;;) {
        const r = await conn.read();
        if (r.done) {
          await r.stream.write(`echo:${got}`);
          await r.stream.close();
          return got;
        }
        got += new TextDecoder().decode(r.value);
      }
    })();
    const io = withStdin("hello over tcp");
    const code = await run(["nc", PEER, "7000", ...tunnel], io);
    expect(code).toBe(0);
    expect(await served).toBe("hello over tcp");
    expect(io.out().toString()).toBe("echo:hello over tcp");
  });

  it("UDP: datagrams both ways; -w bounds the wait after stdin ends", async () => {
    const { stack, tunnel } = await peer();
    const echo = stack.udp({ port: 7001 });
    void (async () => {
      for await (const m of echo) echo.send(`echo:${new TextDecoder().decode(m.data)}`, m.address, m.port);
    })();
    const io = withStdin("hello over udp");
    const code = await run(["nc", "-u", "-w", "0.3", PEER, "7001", ...tunnel], io);
    expect(code).toBe(0);
    expect(io.out().toString()).toBe("echo:hello over udp");
  });

  it("UDP to a closed port: the ICMP port unreachable ends it with an error", async () => {
    const { tunnel } = await peer();
    const io = withStdin("anyone?");
    const code = await run(["nc", "-u", "-w", "2", PEER, "7002", ...tunnel], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/^wirestate: port unreachable \(ICMP\): nothing listens on UDP 10\.9\.1\.1:7002\n/);
  });

  it("resolves HOST through --dns", async () => {
    const { stack, tunnel } = await peer();
    const dns = stack.udp({ port: 53 });
    void (async () => {
      for await (const q of dns) {
        const p = parseDnsMessage(q.data);
        if (!p.ok) continue;
        const name = p.message.questions[0].name;
        const answer = { name, type: DnsType.A, class: 1, ttl: 30, data: { kind: "A" as const, address: PEER } };
        const reply = buildDnsMessage({ ...p.message, qr: true, ra: true, answers: [answer], additionals: [] });
        if (reply.ok) dns.send(reply.bytes, q.address, q.port);
      }
    })();
    const echo = stack.udp({ port: 7003 });
    void (async () => {
      for await (const m of echo) echo.send(m.data, m.address, m.port);
    })();
    const io = withStdin("by name");
    const code = await run(["nc", "-u", "-w", "0.3", "peer.name.test", "7003", "--dns", PEER, ...tunnel], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out().toString()).toBe("by name");
  });

  it("TCP -l: takes one connection, exchanges both ways, ends when the peer closes", async () => {
    const { stack, tunnel } = await peer();
    const io = withStdin("from nc");
    const exited = run(["nc", "-l", "7004", ...tunnel], io);
    while (!io.err().includes("listening")) await new Promise((r) => setTimeout(r, 10));
    const conn = await stack.connect(CLI, 7004);
    await conn.write("from the peer");
    let got = "";
    for (;;) {
      const r = await conn.read();
      if (r.done) {
        await r.stream.close();
        break;
      }
      got += new TextDecoder().decode(r.value);
    }
    expect(await exited).toBe(0);
    expect(got).toBe("from nc");
    expect(io.out().toString()).toBe("from the peer");
  });

  it("UDP -l: answers whoever sent the first datagram, until interrupted", async () => {
    const { stack, tunnel } = await peer();
    const io = withStdin("reply from nc");
    const exited = run(["nc", "-u", "-l", "7005", ...tunnel], io);
    while (!io.err().includes("listening")) await new Promise((r) => setTimeout(r, 10));
    const s = stack.udp().connect(CLI, 7005);
    s.send("first");
    const reply = await s.receive();
    expect(new TextDecoder().decode(reply?.data)).toBe("reply from nc");
    s.send("second");
    while (io.out().toString() !== "firstsecond") await new Promise((r) => setTimeout(r, 10));
    io.stop();
    expect(await exited).toBe(0);
  });

  it("a name without --dns is refused with one line", async () => {
    const { tunnel } = await peer();
    const io = withStdin("");
    expect(await run(["nc", "peer.name.test", "1", ...tunnel], io)).toBe(1);
    expect(io.err()).toMatch(/no dns servers/);
  });
});

describe("the commands over IPv6", () => {
  const PEER6 = "fd00:9::1";
  /** A dual-stack peer; the command's --address gives it IPv4 and IPv6 too. */
  async function peer6(): Promise<{ stack: Stack; tunnel: string[] }> {
    const [a, b] = [await freeUdpPort(), await freeUdpPort()];
    const link = await udpTunnelLink({ bind: `127.0.0.1:${a}`, peer: `127.0.0.1:${b}` });
    const stack = new Stack({ address: [PEER, `${PEER6}/64`], link });
    open.push(() => {
      stack.close();
      link.close();
    });
    return { stack, tunnel: ["--tunnel", `127.0.0.1:${b}=127.0.0.1:${a}`, "--address", `${CLI},fd00:9::2/64`] };
  }

  it("ping HOST6: ICMPv6 echo, with IPv6's 48 header bytes in the size line", async () => {
    const { tunnel } = await peer6();
    const io = testIo();
    const code = await run(["ping", PEER6, "-c", "2", "-s", "100", "-i", "0.05", ...tunnel], io);
    const out = io.out().toString();
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^PING ${PEER6} \\(${PEER6}\\) 100\\(148\\) bytes of data\\.\n`));
    expect(out).toMatch(new RegExp(`108 bytes from ${PEER6}: icmp_seq=2 ttl=64 time=`));
  });

  it("nc HOST6 PORT over TCP and UDP", async () => {
    const { stack, tunnel } = await peer6();
    const listener = stack.listen(7000);
    const served = (async () => {
      const conn = await listener.accept();
      const from = conn.peerAddr.address;
      let got = "";
      for (;;) {
        const r = await conn.read();
        if (r.done) {
          await r.stream.close();
          return `${got} from ${from}`;
        }
        got += new TextDecoder().decode(r.value);
      }
    })();
    const code = await run(["nc", PEER6, "7000", ...tunnel], withStdin("over IPv6"));
    expect(code).toBe(0);
    expect(await served).toBe("over IPv6 from fd00:9::2");
    const echo = stack.udp({ port: 7001 });
    void (async () => {
      for await (const m of echo) echo.send(`echo:${m.address}`, m.address, m.port);
    })();
    const io = withStdin("hi");
    expect(await run(["nc", "-u", "-w", "0.3", PEER6, "7001", ...tunnel], io)).toBe(0);
    expect(io.out().toString()).toBe("echo:fd00:9::2");
  });

  it("--address refuses a bad IPv6 address, IPv6-only --ethernet, and slaac without --ethernet", async () => {
    const cases: [string, string[]][] = [
      ["fd00::zz/64", []],
      ["fd00::1/129", []],
      ["fd00::1/64", ["--ethernet"]],
      ["10.9.1.2,slaac", []],
    ];
    for (const [address, extra] of cases) {
      const io = testIo();
      const code = await run(
        ["ping", PEER6, "-c", "1", "--tunnel", "127.0.0.1:1=127.0.0.1:2", "--address", address, ...extra],
        io,
      );
      expect(code).toBe(2);
      expect(io.err()).toMatch(/--address/);
    }
  });
});
