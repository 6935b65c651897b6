import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScript } from "../../src/packetdrill/executor.js";

/** A passive open the engine completes; each test adds lines after it. */
const OPEN = `
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7,nop,nop,sackOK>
  +.1 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
`;
const OPEN_LINES = OPEN.split("\n").length - 1;

const run = (tail: string, options = {}) => runScript(OPEN + tail, options);

describe("packetdrill executor: a script that matches passes", () => {
  it("runs the handshake, a write, the peer's ACK and a close", () => {
    const r = run(`
   +0 write(4, ..., 1000) = 1000
   +0 > P. 1:1001(1000) ack 1
  +.1 < . 1:1(0) ack 1001 win 257
   +0 close(4) = 0
   +0 > F. 1001:1001(0) ack 1
`);
    expect(r).toMatchObject({ result: "pass", events: 13 });
  });
});

describe("packetdrill executor: wrong expectations fail with the right message", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "a wrong ack",
      "+0 write(4, ..., 1000) = 1000\n+0 > P. 1:1001(1000) ack 2",
      /^live packet field tcp_ack_seq: expected: 2 vs actual: 1$/,
    ],
    [
      "a wrong sequence number",
      "+0 write(4, ..., 1000) = 1000\n+0 > P. 2:1002(1000) ack 1",
      /^live packet field tcp_seq: expected: 2 vs actual: 1$/,
    ],
    [
      "a missing PSH",
      "+0 write(4, ..., 1000) = 1000\n+0 > . 1:1001(1000) ack 1",
      /^live packet field tcp_psh: expected: 0 vs actual: 1$/,
    ],
    [
      "a wrong length",
      "+0 write(4, ..., 1000) = 1000\n+0 > P. 1:501(500) ack 1",
      /^live packet payload: expected 500 bytes vs actual 1000 bytes$/,
    ],
    [
      "a wrong window",
      "+0 write(4, ..., 1000) = 1000\n+0 > P. 1:1001(1000) ack 1 win 1",
      /^live packet field tcp_window: expected: 1 vs actual: \d+$/,
    ],
    [
      "options that are not there",
      "+0 write(4, ..., 1000) = 1000\n+0 > P. 1:1001(1000) ack 1 <nop,nop,TS val 1 ecr 2>",
      /^bad outbound TCP options: expected <nop,nop,TS val 1 ecr 2> actual <>$/,
    ],
    [
      "a packet sent early",
      "+0 write(4, ..., 1000) = 1000\n+.05 > P. 1:1001(1000) ack 1",
      /^timing error: expected outbound packet at 0\.150000 sec but happened at 0\.100000 sec$/,
    ],
    ["a packet never sent", "+.1 > . 1:1(0) ack 1", /^timed out waiting for outbound packet \. 1:1\(0\) ack 1$/],
    ["a wrong return value", "+0 write(4, ..., 1000) = 999", /^write: expected result 999 but got 1000$/],
    [
      "a wrong errno",
      "+0 < R. 1:1(0) ack 1 win 257\n+0 read(4, ..., 1000) = -1 EPIPE",
      /^read: expected errno EPIPE but got -1 with errno ECONNRESET \(Connection reset by peer\)$/,
    ],
    ["a call that blocks forever", "+0 read(4, ..., 1000) = 0", /^read blocked and never returned$/],
    [
      "a failing tcp_info assert",
      "+0 %{ assert tcpi_snd_mss == 999 }%",
      /^assert failed: tcpi_snd_mss == 999 \(tcpi_snd_mss=1000\)$/,
    ],
    [
      "a wrong TCP_INFO field",
      "+0 getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCP_ESTABLISHED, tcpi_snd_mss=536}, [104]) = 0",
      /^getsockopt: tcpi_snd_mss: expected 536 but got 1000$/,
    ],
  ];
  for (const [what, tail, message] of cases) {
    it(`${what}`, () => {
      const r = run(`${tail}\n`);
      expect(r.result, JSON.stringify(r)).toBe("fail");
      expect(r.reason).toMatch(message);
      expect(r.line).toBe(OPEN_LINES + tail.split("\n").length);
    });
  }

  it("a mismatch reports both packets and both times", () => {
    const r = run("+0 write(4, ..., 1000) = 1000\n+0 > P. 1:1001(1000) ack 9\n");
    expect(r).toMatchObject({
      expected: "P. 1:1001(1000) ack 9",
      actual: "P. 1:1001(1000) ack 1",
      expectedTime: 0.1,
      actualTime: 0.1,
    });
  });

  it("a wrong SYN-ACK option value names the option", () => {
    const r = runScript(OPEN.replace("wscale 7,", "wscale 9,"));
    expect(r).toMatchObject({
      result: "fail",
      line: 7,
      reason: "bad value in outbound TCP option (wscale): expected: wscale 9 actual: wscale 7",
    });
  });

  it("strict option layout fails where the default ignores padding and order", () => {
    const reordered = OPEN.replace("<mss 1460,nop,wscale 7,nop,nop,sackOK>", "<mss 1460,nop,nop,sackOK,nop,wscale 7>");
    expect(runScript(reordered).result).toBe("pass");
    expect(runScript(reordered, { strictOptions: true })).toMatchObject({
      result: "fail",
      line: 7,
      reason: expect.stringMatching(/^bad outbound TCP options/),
    });
  });
});

describe("packetdrill executor: socket queries", () => {
  it("SIOCOUTQ counts queued and unacknowledged bytes, SIOCINQ readable ones", () => {
    const r = run(`+0 write(4, ..., 3000) = 3000
+0 > P. 1:3001(3000) ack 1
+0 ioctl(4, SIOCOUTQ, [3000]) = 0
+.1 < . 1:1(0) ack 1001 win 257
+0 ioctl(4, SIOCOUTQ, [2000]) = 0
+0 < P. 1:11(10) ack 1001 win 257
+0 ioctl(4, SIOCINQ, [10]) = 0
+0 ioctl(4, SIOCINQ, [11]) = 0
`);
    expect(r).toMatchObject({
      result: "fail",
      line: OPEN_LINES + 8,
      reason: "ioctl: SIOCINQ: expected 11 but got 10",
    });
  });
});

describe("packetdrill executor: TSO coalescing", () => {
  const bulk = "+0 write(4, ..., 3000) = 3000\n+0 > P. 1:3001(3000) ack 1\n";
  it("joins back-to-back full-sized segments into one line, and says so", () => {
    expect(run(bulk)).toMatchObject({ result: "pass", tsoCoalesced: 1, tso: true });
  });
  it("without it, the first segment alone is compared", () => {
    // Only the last segment of the three carries PSH.
    expect(run(bulk, { tso: false })).toMatchObject({
      result: "fail",
      reason: "live packet field tcp_psh: expected: 1 vs actual: 0",
    });
    expect(run(bulk.replace("P. 1:3001(3000)", ". 1:3001(3000)"), { tso: false })).toMatchObject({
      result: "fail",
      reason: "live packet payload: expected 3000 bytes vs actual 1000 bytes",
    });
  });
});

describe("packetdrill executor: relative sequence numbers and timestamps", () => {
  it("maps the peer's ISN and ours (later lines relative to each), and TS ecr to the TS val we sent", () => {
    const r = runScript(`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 1000000:1000000(0) win 32792 <mss 1000,sackOK,TS val 5000 ecr 0,nop,wscale 7>
   +0 > S. 0:0(0) ack 1000001 <mss 1460,sackOK,TS val 100 ecr 5000,nop,wscale 7>
  +.1 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 5100 ecr 100>
   +0 accept(3, ..., ...) = 4
   +0 < P. 1:101(100) ack 1 win 257 <nop,nop,TS val 5200 ecr 100>
   +0 read(4, ..., 1000) = 100
// Reading 100 bytes opens no window worth announcing (the buffer is autotuned): the delayed ACK.
 +.04 > . 1:1(0) ack 101 <nop,nop,TS val 240 ecr 5200>
`);
    expect(r).toMatchObject({ result: "pass" });
  });

  it("an inbound TS ecr that echoes nothing the stack sent is a script error", () => {
    const r = runScript(`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 5000 ecr 0,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <...>
  +.1 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 5100 ecr 777>
`);
    expect(r).toMatchObject({
      result: "fail",
      line: 7,
      reason: expect.stringMatching(/^unable to infer live TS ecr for script TS ecr 777/),
    });
  });
});

describe("packetdrill executor: unsupported constructs are reported, not failed", () => {
  it.each([
    ["+0 setsockopt(4, SOL_TCP, TCP_CORK, [1], 4) = 0", /^setsockopt TCP_CORK is not supported$/],
    ["+0 epoll_create(1) = 5", /^system call epoll_create is not supported$/],
    ["+0 < udp (100)", /^inbound udp packets/],
    ["+0 %{ assert tcpi_ca_state == 0 }%", /^unknown name tcpi_ca_state$/],
  ])("%s", (line, reason) => {
    expect(run(`${line}\n`)).toMatchObject({
      result: "unsupported",
      line: OPEN_LINES + 1,
      reason: expect.stringMatching(reason),
    });
  });
});

describe("packetdrill executor: commands", () => {
  it("maps sysctls to the configuration, lists Linux-only ones, and skips other commands", () => {
    const r = runScript(`\`sysctl -q net.ipv4.tcp_sack=0 net.ipv4.tcp_frto=2; tc qdisc add dev tun0 root pfifo\`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
`);
    expect(r).toMatchObject({
      result: "pass",
      notApplicable: ["net.ipv4.tcp_frto=2"],
      skippedCommands: ["tc qdisc add dev tun0 root pfifo"],
    });
  });

  it("reads a helper script through the reader it is given", () => {
    const r = runScript("`../common/defaults.sh`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", {
      readHelper: (p: string) =>
        p === "../common/defaults.sh"
          ? 'sysctl -q net.ipv4.tcp_rmem="4096 87380 $((4*1024*1024))"\nip tcp_metrics flush all\n'
          : null,
    });
    expect(r).toMatchObject({ result: "pass", skippedCommands: ["ip tcp_metrics flush all"], notApplicable: [] });
  });
});

describe("packetdrill executor: malformed scripts", () => {
  it("a script option with a bad value fails with its name", () => {
    expect(runScript("--tolerance_usecs=abc\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n")).toMatchObject({
      result: "fail",
      reason: 'bad --tolerance_usecs: "abc" (1..1000000000)',
    });
    expect(runScript("--ip_version=ipv6\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n")).toMatchObject({
      result: "unsupported",
      reason: "--ip_version=ipv6: only ipv4 is supported",
    });
  });

  it("fail with the parser's line and column, never a throw", () => {
    expect(runScript("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0)\n")).toMatchObject({
      result: "fail",
      line: 2,
      reason: "syntax error: 2:14: window must be specified for inbound packets",
    });
  });
});

describe("packetdrill executor: blocking calls", () => {
  const script = (end: string) => `
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0...${end} accept(3, ..., ...) = 4
  +.1 < S 0:0(0) win 65535 <mss 1460>
   +0 > S. 0:0(0) ack 1 <mss 1460>
  +.1 < . 1:1(0) ack 1 win 65535
   +0 write(4, ..., 10) = 10
   +0 > P. 1:11(10) ack 1
`;
  it("a blocking accept returns when the handshake completes, while later lines run", () => {
    expect(runScript(script("0.2"))).toMatchObject({ result: "pass" });
  });
  it("returning at another time than its ...end is a timing error on its line", () => {
    expect(runScript(script("0.3"))).toMatchObject({
      result: "fail",
      line: 5,
      reason: "timing error: expected system call return at 0.300000 sec but happened at 0.200000 sec",
    });
  });
  it("a call that blocks without ...end runs the clock (only timers, as a blocked thread would)", () => {
    const r = runScript(`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 connect(3, ..., ...) = -1 ETIMEDOUT (Connection timed out)
`);
    // SYN retries (6) with backoff from 1 s: the blocking connect gives up after the last one times out.
    expect(r).toMatchObject({ result: "pass" });
  });
});

describe("packetdrill executor: damaged scripts", () => {
  it("every mutation of a script gives a result (pass, fail or unsupported), never a throw or a hang", () => {
    const bases = [
      "close/passive-close.pkt",
      "sack-recovery/two-holes.pkt",
      "paws/old-timestamp-dropped.pkt",
      "keepalive/probes-and-timeout.pkt",
    ].map((f) => readFileSync(new URL(`./scripts/${f}`, import.meta.url), "utf8"));
    let state = 0x9e3779b9;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const pieces = [
      "0",
      "+",
      ".",
      "<",
      ">",
      "...",
      "(",
      ")",
      ",",
      "[",
      "]",
      "{",
      "}",
      "%{",
      "}%",
      "`",
      '"',
      "\n",
      "ack",
      "win",
      "S.",
      "99999999999",
      "-1",
    ];
    for (let i = 0; i < 400; i++) {
      const chars = [...bases[i % bases.length]];
      for (let k = 0; k < 1 + (next() % 4); k++) {
        const at = next() % chars.length;
        if (next() % 2 === 0) chars.splice(at, 1 + (next() % 5));
        else chars.splice(at, 0, pieces[next() % pieces.length]);
      }
      const r = runScript(chars.join(""));
      expect(["pass", "fail", "unsupported"]).toContain(r.result);
      expect(r.reason ?? "", chars.join("")).not.toMatch(/^internal error/);
    }
  });
});
