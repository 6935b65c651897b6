import { createHash } from "node:crypto";
import { afterEach, expect, it, vi } from "vitest";
import { RealClock } from "../../src/clock/index.js";
import { IpStack } from "../../src/stack/index.js";
import { serve } from "../../bench/src/flood-scenario.js";
import { Netns, NETNS_TOOLS } from "../helpers/netns.js";
import { describeWith } from "../helpers/tools.js";
import { xorshiftBytes } from "../helpers/bytes.js";

vi.setConfig({ testTimeout: 180_000 });

/**
 * A raw-socket SYN flooder, run by python3 inside the namespace: IPv4 + TCP SYNs built by hand (IPPROTO_RAW
 * implies IP_HDRINCL), from random sources in the namespace's own 10.77.0.0/24 (never the kernel's or the
 * stack's address), random ports, to the stack's port 80, for `seconds`. Prints how many it sent.
 */
const FLOODER = String.raw`
import random, socket, struct, sys, time
dst, seconds = sys.argv[1], float(sys.argv[2])
rng = random.Random(13)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
daddr = socket.inet_aton(dst)
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
sent, end = 0, time.time() + seconds
while time.time() < end:
    saddr = socket.inet_aton("10.77.0.%d" % rng.randint(10, 250))
    sport, seq = rng.randint(1024, 65535), rng.getrandbits(32)
    # TCP header with an MSS option (data offset 6 words), checksum over the pseudo-header.
    tcp = struct.pack("!HHIIBBHHH", sport, 80, seq, 0, 6 << 4, 0x02, 29200, 0, 0) + struct.pack("!BBH", 2, 4, 1460)
    pseudo = saddr + daddr + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), sent & 0xffff, 0, 64, 6, 0, saddr, daddr)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    try:
        s.sendto(ip + tcp, (dst, 0))
        sent += 1
    except BlockingIOError:
        pass
print(sent)
`;

const FILE_BYTES = 4 << 20;

describeWith(
  [...NETNS_TOOLS, "python3", "curl"],
  "interop: a kernel-side SYN flood while curl downloads (issue 13)",
  () => {
    let ns: Netns | null = null;
    let stack: IpStack | null = null;
    afterEach(async () => {
      stack?.close();
      stack = null;
      await ns?.close();
      ns = null;
    });

    it("raw-socket SYNs from the namespace's addresses: the download completes and its hash matches", async () => {
      ns = await Netns.start({});
      const s = new IpStack({ address: ns.stackAddress, link: ns.link, clock: new RealClock() });
      stack = s;
      const file = xorshiftBytes(FILE_BYTES, 0x13);
      const header = new TextEncoder().encode(
        `HTTP/1.0 200 OK\r\nContent-Length: ${FILE_BYTES}\r\nConnection: close\r\n\r\n`,
      );
      // A small SYN queue, so the flood overflows it at once and cookies answer (curl's SYN among them).
      const listener = s.listen(80, { backlog: 16, synBacklog: 32 });
      const body = new Uint8Array(header.length + file.length);
      body.set(header);
      body.set(file, header.length);
      listener.onConnection = () => {
        for (let c = listener.accept(); c !== null; c = listener.accept()) serve(c, body);
      };

      const flood = ns.spawn(["python3", "-c", FLOODER, ns.stackAddress, "12"]);
      // The flood is on once cookies go out.
      const deadline = Date.now() + 10_000;
      while (s.counters.synCookiesSent < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(s.counters.synCookiesSent).toBeGreaterThanOrEqual(100);

      const curl = await ns.exec(["sh", "-c", `curl -sS --max-time 120 http://${ns.stackAddress}/file | sha256sum`], {
        timeoutMs: 150_000,
      });
      const during = s.counters.synCookiesSent;
      const done = await flood.exited;
      expect(curl.code, curl.stderr).toBe(0);
      expect(curl.stdout.toString().split(" ")[0]).toBe(createHash("sha256").update(file).digest("hex"));
      const sent = Number(done.stdout.toString().trim());
      expect(sent).toBeGreaterThan(1000);
      // The stack saw the flood: cookies for most of it, and the SYN queue stayed within its bound.
      expect(during).toBeGreaterThan(100);
      expect(s.connectionCount).toBeLessThanOrEqual(32 + 16 + 1);
      console.log(
        `kernel flood: ${sent} raw SYNs sent; stack: ${s.counters.synCookiesSent} cookies, ` +
          `${s.counters.synQueuePruned} half-open given up, ${s.counters.drops["memory-limit"]} refused for memory`,
      );
    });
  },
);
