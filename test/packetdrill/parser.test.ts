import { describe, expect, it } from "vitest";
import type { Action, Expr, TcpPacket } from "../../src/packetdrill/ast.js";
import { PacketdrillSyntaxError } from "../../src/packetdrill/errors.js";
import { parseScript } from "../../src/packetdrill/parser.js";

const action = (line: string): Action => parseScript(line).events[0].action;
const tcp = (line: string): TcpPacket => {
  const a = action(line);
  if (a.type !== "packet" || a.packet.protocol !== "tcp") throw new Error(`not a TCP packet: ${line}`);
  return a.packet;
};
const syscall = (line: string) => {
  const a = action(line);
  if (a.type !== "syscall") throw new Error(`not a system call: ${line}`);
  return a.call;
};

/** The error a malformed script raises: its line:column and message. */
function syntaxError(source: string): string {
  try {
    parseScript(source);
  } catch (err) {
    expect(err).toBeInstanceOf(PacketdrillSyntaxError);
    return (err as Error).message;
  }
  throw new Error("parsed without error");
}

describe("packetdrill parser: times", () => {
  it("reads absolute, relative, any and range times in microseconds", () => {
    const s = parseScript(`0 close(3) = 0
+0.1 close(3) = 0
+.01 close(3) = 0
1.5 close(3) = 0
* > . 1:1(0) ack 1
0.1~0.2 > . 1:1(0) ack 1
+.3~+.310 > . 1:1(0) ack 1
`);
    expect(s.events.map((e) => e.time)).toEqual([
      { kind: "absolute", start: 0 },
      { kind: "relative", start: 100_000 },
      { kind: "relative", start: 10_000 },
      { kind: "absolute", start: 1_500_000 },
      { kind: "any" },
      { kind: "absolute-range", start: 100_000, end: 200_000 },
      { kind: "relative-range", start: 300_000, end: 310_000 },
    ]);
    expect(s.events.map((e) => e.at.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("rejects `*` and ranges on anything but an outbound packet, and backwards ranges", () => {
    expect(syntaxError("* close(3) = 0")).toBe("1:1: event time <star> can only be used with outbound packets");
    expect(syntaxError("0~1 < . 1:1(0) ack 1 win 100")).toBe(
      "1:1: event time range can only be used with outbound packets",
    );
    expect(syntaxError("0.2~0.1 > . 1:1(0) ack 1")).toBe("1:1: time range is backwards");
    expect(syntaxError("+.1~.2 > . 1:1(0) ack 1")).toMatch(/^1:5: a relative range needs `\+` on both ends/);
  });
});

describe("packetdrill parser: TCP packets", () => {
  it("reads flags, the sequence range, ack, win, urg and options", () => {
    expect(tcp("0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>")).toEqual({
      protocol: "tcp",
      direction: "<",
      ip: {},
      flags: "S",
      seqStart: 0,
      seqEnd: 0,
      length: 0,
      ack: 0,
      window: 32792,
      urgent: 0,
      options: [
        { kind: "mss", value: 1000 },
        { kind: "sackOK" },
        { kind: "nop" },
        { kind: "nop" },
        { kind: "nop" },
        { kind: "wscale", value: 7 },
      ],
    });
    const p = tcp("+0 > P. 1:1001(1000) ack 1 urg 3 <nop,nop,TS val 100 ecr 700,nop,nop,sack 1:2 3:4,eol>");
    expect([p.flags, p.seqStart, p.seqEnd, p.length, p.ack, p.window, p.urgent]).toEqual([
      "P.",
      1,
      1001,
      1000,
      1,
      undefined,
      3,
    ]);
    expect(p.options).toEqual([
      { kind: "nop" },
      { kind: "nop" },
      { kind: "TS", val: 100, ecr: 700 },
      { kind: "nop" },
      { kind: "nop" },
      {
        kind: "sack",
        blocks: [
          [1, 2],
          [3, 4],
        ],
      },
      { kind: "eol" },
    ]);
  });

  it("reads `.` alone, `-`, `<...>`, ports, ECN codepoints and multi-letter flags", () => {
    expect(tcp("0 > . 1:1(0) ack 1").flags).toBe(".");
    expect(tcp("0 > - 1:1(0)").flags).toBe("");
    expect(tcp("0 > S. 0:0(0) ack 1 <...>").options).toBe("any");
    expect(tcp("0 > 8080>9090 F. 1:1(0) ack 1")).toMatchObject({ srcPort: 8080, dstPort: 9090, flags: "F." });
    expect(tcp("0 < [ect0] SEW 0:0(0) win 100").ip).toEqual({ ecn: "ect0" });
    expect(tcp("0 < (tos 0x10, ttl 3) S 0:0(0) win 100").ip).toEqual({ tos: 16, ttl: 3 });
  });

  it("keeps options the stack does not model as unsupported entries", () => {
    expect(tcp("0 < S 0:0(0) win 100 <mss 1460,FO abcd1234,nop,nop>").options).toEqual([
      { kind: "mss", value: 1460 },
      { kind: "unsupported", name: "FO" },
      { kind: "nop" },
      { kind: "nop" },
    ]);
    expect(tcp("0 < S 0:0(0) win 100 <md5 000102030405060708090a0b0c0d0e0f>").options).toEqual([
      { kind: "unsupported", name: "md5" },
    ]);
  });

  it("names the line and column of malformed packets", () => {
    expect(syntaxError("0 < S 0:0(0) <mss 1460>")).toBe("1:14: window must be specified for inbound packets");
    expect(syntaxError("0 < . 1:1(0) ack 1 win 100 <...>")).toBe(
      "1:28: <...> for TCP options can only be used with outbound packets",
    );
    expect(syntaxError("0 > Q 0:0(0)")).toBe('1:5: bad TCP flags "Q" (letters of FSRP.UEWA)');
    expect(syntaxError("0 > S 0:5(4)")).toBe("1:9: sequence range 0:5 does not match length 4");
    expect(syntaxError("0 > S 0 0(0)")).toMatch(/^1:9: expected `:` in start:end\(length\)/);
    expect(syntaxError("0 > . 1:1(0) ack 1 <mss>")).toMatch(/^1:24: expected mss value \(an integer\), got ">"/);
    expect(syntaxError("0 > . 1:1(0) ack 1 <wscale 300>")).toBe("1:28: wscale value out of range");
    expect(syntaxError("0 > . 1:1(0) ack 1 <bogus 1>")).toBe('1:21: unknown TCP option "bogus"');
    expect(syntaxError("0 > . 1:1(0) ack 1 <TS 1 ecr 2>")).toMatch(/^1:24: expected `val` after TS/);
    expect(syntaxError("0 > . 1:1(0) ack 1 <sack>")).toMatch(/^1:25: sack needs at least one block/);
    expect(syntaxError("0 > . 1:1(0) ack 1 <nop nop>")).toMatch(/^1:25: expected `,` or `>` in the TCP option list/);
    expect(syntaxError("0 < . 1:1(0) ack 1 win 70000")).toBe("1:24: TCP window value out of range");
    expect(syntaxError("0 < . 1:1(0) ack 4294967296 win 1")).toBe("1:18: ack sequence number out of range");
  });
});

describe("packetdrill parser: udp, icmp and encapsulation", () => {
  it("reads udp and icmp lines", () => {
    expect(action("0 < udp (1472)")).toEqual({
      type: "packet",
      packet: { protocol: "udp", direction: "<", ip: {}, length: 1472 },
    });
    expect(action("0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]")).toEqual({
      type: "packet",
      packet: {
        protocol: "icmp",
        direction: "<",
        ip: {},
        icmpType: "unreachable",
        icmpCode: "frag_needed",
        mtu: 1200,
        echoed: { protocol: "tcp", seqStart: 1, seqEnd: 1461, length: 1460 },
      },
    });
  });

  it("marks encapsulated packets unsupported and carries on at the next line", () => {
    const s = parseScript("0 < ipv4 192.0.2.1 > 192.168.0.1: gre: S 0:0(0) win 1\n+0 close(3) = 0");
    expect(s.events.map((e) => e.action.type)).toEqual(["unsupported-packet", "syscall"]);
  });
});

describe("packetdrill parser: system calls", () => {
  it("reads arguments of every expression form, the result, errno and note", () => {
    const c = syscall(
      '+0 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("192.0.2.1")}, 16) = -1 EINPROGRESS (Operation now in progress)',
    );
    expect(c.name).toBe("connect");
    expect(c.result).toEqual({ kind: "int", value: -1 });
    expect(c.errno).toBe("EINPROGRESS");
    expect(c.note).toBe("Operation now in progress");
    const sockaddr = c.args[1] as Extract<Expr, { kind: "struct" }>;
    expect(sockaddr.fields.map((f) => f.name)).toEqual(["sa_family", "sin_port", "sin_addr"]);
    expect(sockaddr.fields[1].value).toEqual({ kind: "call", name: "htons", args: [{ kind: "int", value: 8080 }] });

    expect(syscall("0 socket(..., SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_TCP) = 3").args).toEqual([
      { kind: "ellipsis" },
      { kind: "or", left: { kind: "word", name: "SOCK_STREAM" }, right: { kind: "word", name: "SOCK_NONBLOCK" } },
      { kind: "word", name: "IPPROTO_TCP" },
    ]);
    expect(syscall("0 setsockopt(3, SOL_SOCKET, SO_RCVBUF, [0x10000], 4) = 0").args[3]).toEqual({
      kind: "array",
      items: [{ kind: "int", value: 65536 }],
    });
    expect(syscall('0 write(4, "abc"..., 3) = 3').args[1]).toEqual({ kind: "string", value: "abc", more: true });
    expect(syscall("0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0").args[3]).toMatchObject({
      kind: "struct",
      fields: [
        { name: "onoff", value: { kind: "int", value: 1 } },
        { name: "linger", value: { kind: "int", value: 0 } },
      ],
    });
    const poll = syscall("0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1");
    expect((poll.args[0] as Extract<Expr, { kind: "array" }>).items[0]).toMatchObject({
      kind: "struct",
      fields: [{ name: "fd" }, { name: "events" }, { name: "revents" }],
    });
    const msg = syscall("0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}, 0) = 1000");
    const m = msg.args[1] as Extract<Expr, { kind: "struct" }>;
    expect(m.fields.map((f) => [f.name, f.index?.kind])).toEqual([
      ["msg_name", "ellipsis"],
      ["msg_iov", "int"],
      ["msg_flags", undefined],
    ]);
    expect(syscall("0 writev(4, [{..., 100}, {..., 200}], 2) = 300").args[1]).toMatchObject({
      kind: "array",
      items: [{ kind: "struct" }, { kind: "struct" }],
    });
    expect(syscall("0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0").args[3]).toEqual({
      kind: "array",
      items: [{ kind: "word", name: "ECONNREFUSED" }],
    });
  });

  it("reads blocking calls' end times and errno on a continued line", () => {
    expect(syscall("0...0.5 accept(3, ..., ...) = 4").end).toBe(500_000);
    const c = syscall(
      "0 recvmsg(4, {msg_name(...)=...,\n  msg_iov(1)=[{..., 10}], msg_flags=0}, 0) = -1 EAGAIN (Resource temporarily unavailable)",
    );
    expect([c.errno, c.note]).toEqual(["EAGAIN", "Resource temporarily unavailable"]);
  });

  it("names the line and column of malformed calls", () => {
    expect(syntaxError("0 close(3)")).toMatch(/^1:11: expected `= result` after close\(\.\.\.\)/);
    expect(syntaxError("0 close(3 = 0")).toMatch(/^1:11: expected `,` or `\)`, got "="/);
    expect(syntaxError("0 close(3) = )")).toMatch(/^1:14: expected an expression, got "\)"/);
    expect(syntaxError("0 poll([{fd=4 events=1}], 1, 0) = 0")).toMatch(/^1:15: expected `,` or `}`/);
    expect(syntaxError("0 close(3) = 0 EAGAIN (unfinished")).toBe("1:23: unterminated ( note )");
  });
});

describe("packetdrill parser: script structure", () => {
  it("reads options, init and cleanup commands, shell commands, code blocks and comments", () => {
    const s = parseScript(`--tolerance_usecs=10000
--local_ip=fd::1
--define=NAME=value
--verbose
\`../common/defaults.sh\`
// a comment
/* a block
   comment */
0 \`sysctl -q net.ipv4.tcp_sack=0\`
+0 %{ assert tcpi_rto == 1000000, tcpi_rto }%
\`echo done\`
`);
    expect([...s.options]).toEqual([
      ["tolerance_usecs", "10000"],
      ["local_ip", "fd::1"],
      ["define", "NAME=value"],
      ["verbose", ""],
    ]);
    expect(s.init).toEqual({ at: { line: 5, column: 1 }, command: "../common/defaults.sh" });
    expect(s.events.map((e) => e.action)).toEqual([
      { type: "command", command: "sysctl -q net.ipv4.tcp_sack=0" },
      { type: "code", code: " assert tcpi_rto == 1000000, tcpi_rto " },
    ]);
    expect(s.cleanup?.command).toBe("echo done");
  });

  it("names the line and column of broken structure, never throwing anything else", () => {
    expect(syntaxError("")).toBe("1:1: a script needs at least one timed event");
    expect(syntaxError("0 close(3) = 0\n  foo")).toMatch(/^2:3: expected an event time/);
    expect(syntaxError("0 %{ assert 1")).toBe("1:3: unterminated %{ code block (no }%)");
    expect(syntaxError("/* open")).toBe("1:1: unterminated /* comment");
    expect(syntaxError('0 write(4, "abc, 3) = 3')).toBe("1:12: unterminated string");
    expect(syntaxError("0 `sysctl")).toBe("1:3: unterminated backquoted command");
    expect(syntaxError("--mss=")).toBe("1:7: --mss= needs a value");
    expect(syntaxError("0 ; close(3) = 0")).toMatch(/^1:3: expected a packet, a system call/);
    expect(syntaxError("-1 close(3) = 0")).toBe("1:1: negative time");
    // Random garbage: always a PacketdrillSyntaxError (syntaxError checks the class).
    for (const junk of [
      "0 > S.",
      "0 <",
      "+",
      "0 > S 1:",
      "0 poll([{",
      "0 > . 1:1(0) ack 1 <TS val",
      "0 x(",
      "0 x(1,",
    ]) {
      expect(syntaxError(junk)).toMatch(/^1:\d+: /);
    }
  });
});
