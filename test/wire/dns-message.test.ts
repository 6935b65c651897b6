import { describe, expect, it } from "vitest";
import {
  buildDnsMessage,
  DnsRcode,
  DnsType,
  dnsNameKey,
  dnsQuery,
  type DnsMessage,
  type DnsParseErrorReason,
  parseDnsHeader,
  parseDnsMessage,
} from "../../src/wire/index.js";

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, "")
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16)),
  );

/** A response to "www.example.com A": CNAME to example.com (compressed), then its A record. */
const RESPONSE = hex(`
  beef 8180 0001 0002 0000 0000
  03 777777 07 6578616d706c65 03 636f6d 00  0001 0001
  c00c 0005 0001 00000e10 0002 c010
  c010 0001 0001 0000012c 0004 5db8d822
`);

const query = (name: string, id = 0x1234): DnsMessage => dnsQuery(id, name, DnsType.A);

function reasonOf(bytes: Uint8Array): DnsParseErrorReason | "ok" {
  const r = parseDnsMessage(bytes);
  return r.ok ? "ok" : r.reason;
}

describe("DNS messages (RFC 1035 section 4)", () => {
  it("builds a query byte for byte as RFC 1035 lays it out", () => {
    const built = buildDnsMessage(query("example.com"));
    expect(built.ok && [...built.bytes]).toEqual([
      ...hex("1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001"),
    ]);
  });

  it("parses a compressed response: header flags, the CNAME and the A record", () => {
    const r = parseDnsMessage(RESPONSE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.message;
    expect([m.id, m.qr, m.rd, m.ra, m.aa, m.tc, m.rcode]).toEqual([0xbeef, true, true, true, false, false, 0]);
    expect(m.questions).toEqual([{ name: "www.example.com", type: 1, class: 1 }]);
    expect(m.answers).toEqual([
      { name: "www.example.com", type: 5, class: 1, ttl: 3600, data: { kind: "name", name: "example.com" } },
      { name: "example.com", type: 1, class: 1, ttl: 300, data: { kind: "A", address: "93.184.216.34" } },
    ]);
  });

  it("compresses what it builds into the same bytes a server writes, and parses both forms alike", () => {
    const m = parseDnsMessage(RESPONSE);
    if (!m.ok) throw new Error(m.reason);
    const compressed = buildDnsMessage(m.message);
    const plain = buildDnsMessage(m.message, { compress: false });
    if (!compressed.ok || !plain.ok) throw new Error("build failed");
    expect([...compressed.bytes]).toEqual([...RESPONSE]);
    expect(plain.bytes.length).toBe(RESPONSE.length + 15 + 11 + 11);
    const reparsed = parseDnsMessage(plain.bytes);
    expect(reparsed.ok && reparsed.message).toEqual(m.message);
  });

  it("compression keeps case: only byte-identical suffixes share a pointer (RFC 4343 section 4)", () => {
    const m = query("Example.COM");
    m.qr = true;
    m.answers = [
      { name: "example.com", type: 1, class: 1, ttl: 1, data: { kind: "A", address: "10.0.0.1" } },
      { name: "www.Example.COM", type: 1, class: 1, ttl: 1, data: { kind: "A", address: "10.0.0.2" } },
    ];
    const built = buildDnsMessage(m);
    if (!built.ok) throw new Error(built.detail);
    expect([...built.bytes.subarray(29, 31)]).not.toEqual([0xc0, 0x0c]);
    const www = built.bytes.length - 14 - 6; // "www" label, then a pointer to the question's name
    expect([...built.bytes.subarray(www, www + 6)]).toEqual([3, 0x77, 0x77, 0x77, 0xc0, 0x0c]);
    const r = parseDnsMessage(built.bytes);
    expect(r.ok && r.message.answers.map((x) => x.name)).toEqual(["example.com", "www.Example.COM"]);
  });

  it("carries SOA rdata (negative answers) and unknown types as raw bytes", () => {
    const m = query("nothere.example");
    m.qr = true;
    m.rcode = DnsRcode.NXDOMAIN;
    m.authorities = [
      {
        name: "example",
        type: DnsType.SOA,
        class: 1,
        ttl: 900,
        data: {
          kind: "SOA",
          mname: "ns.example",
          rname: "hostmaster.example",
          serial: 2026120101,
          refresh: 7200,
          retry: 3600,
          expire: 1209600,
          minimum: 60,
        },
      },
    ];
    m.additionals = [{ name: ".", type: 41, class: 1232, ttl: 0, data: { kind: "raw", bytes: new Uint8Array(0) } }];
    const built = buildDnsMessage(m);
    if (!built.ok) throw new Error(built.detail);
    const r = parseDnsMessage(built.bytes);
    expect(r.ok && r.message).toEqual(m);
  });

  it("escapes label bytes that are not printable ASCII, and builds them back to the same bytes", () => {
    const bytes = hex("0000 8000 0001 0000 0000 0000 04 612e0020 02 5c41 00 0001 0001");
    const r = parseDnsMessage(bytes);
    expect(r.ok && r.message.questions[0].name).toBe("a\\.\\000\\032.\\\\A");
    if (!r.ok) return;
    const again = buildDnsMessage(r.message);
    expect(again.ok && [...again.bytes]).toEqual([...bytes]);
  });

  it("keys names by DNS equality: case, escapes and a trailing dot do not matter", () => {
    expect(dnsNameKey("WWW.Example.COM.")).toBe("www.example.com");
    expect(dnsNameKey("\\065b.c")).toBe("ab.c");
    expect(dnsNameKey(".")).toBe(".");
    expect(dnsNameKey("a\\.b")).not.toBe(dnsNameKey("a.b"));
  });

  it("reads the header alone when the rest is cut", () => {
    const cut = RESPONSE.slice(0, 20);
    expect(reasonOf(cut)).toBe("truncated-name");
    expect(parseDnsHeader(cut)).toMatchObject({ id: 0xbeef, qr: true, rcode: 0, tc: false });
    expect(parseDnsHeader(cut.subarray(0, 11))).toBeNull();
  });
});

describe("malformed DNS messages are typed results, never throws or loops", () => {
  const HEADER_1Q = "0001 8180 0001 0000 0000 0000";
  const cases: Array<[string, string, DnsParseErrorReason]> = [
    ["11 bytes", "0001 8180 0001 0000 0000", "truncated-header"],
    ["a pointer to itself", `${HEADER_1Q} c00c 0001 0001`, "pointer-not-backward"],
    ["a pointer forward", `${HEADER_1Q} c00e 00 01 00 0001 0001`, "pointer-not-backward"],
    ["a pointer into its own labels", `${HEADER_1Q} 01 61 c00c 0001 0001`, "pointer-not-backward"],
    // Question 2's pointer goes back to question 1's start, whose pointer then points at question 2.
    ["a two-pointer cycle", "0001 8180 0002 0000 0000 0000 c012 0001 0001 c00c 0001 0001", "pointer-not-backward"],
    ["a pointer past the end", `${HEADER_1Q} c0ff 0001 0001`, "pointer-out-of-range"],
    ["a pointer cut in half", `${HEADER_1Q} c0`, "truncated-name"],
    ["label type 01", `${HEADER_1Q} 41 00 0001 0001`, "bad-label-type"],
    ["label type 10", `${HEADER_1Q} 80 00 0001 0001`, "bad-label-type"],
    ["a label past the end", `${HEADER_1Q} 05 6162`, "truncated-name"],
    ["a name with no root label", `${HEADER_1Q} 01 61`, "truncated-name"],
    ["more questions than bytes", "0001 8180 0002 0000 0000 0000 00 0001 0001", "truncated-name"],
    ["a question without its class", `${HEADER_1Q} 00 0001`, "truncated-question"],
    ["a record without its rdlength", "0001 8180 0000 0001 0000 0000 00 0001 0001 00000001 00", "truncated-record"],
    ["rdata past the end", "0001 8180 0000 0001 0000 0000 00 0001 0001 00000001 0004 0a00", "truncated-rdata"],
    ["A rdata of 5 bytes", "0001 8180 0000 0001 0000 0000 00 0001 0001 00000001 0005 0a00000102", "bad-rdata"],
    ["a CNAME shorter than its rdata", "0001 8180 0000 0001 0000 0000 00 0005 0001 00000001 0003 00 0000", "bad-rdata"],
    [
      "a CNAME running past its rdata",
      "0001 8180 0000 0001 0000 0000 00 0005 0001 00000001 0002 01 61 00",
      "truncated-name",
    ],
    ["an SOA cut short", "0001 8180 0000 0001 0000 0000 00 0006 0001 00000001 0003 00 00 00", "bad-rdata"],
  ];
  for (const [what, bytes, reason] of cases) {
    it(`${what}: ${reason}`, () => {
      expect(reasonOf(hex(bytes))).toBe(reason);
    });
  }

  it("a name over 255 bytes through a chain of backward pointers: name-too-long", () => {
    // n questions of one 63-byte label each, every one pointing back at the previous: question k is
    // 64k + 1 bytes long in wire form, so 3 fit in 255 and the 4th does not.
    const chain = (n: number) => {
      const parts = [`0001 8180 ${n.toString(16).padStart(4, "0")} 0000 0000 0000`];
      let prev = -1;
      for (let i = 0, at = 12; i < n; i++) {
        parts.push(`3f${"61".repeat(63)} ${prev < 0 ? "00" : (0xc000 | prev).toString(16)} 0001 0001`);
        prev = at;
        at += 64 + (i === 0 ? 1 : 2) + 4;
      }
      return hex(parts.join(" "));
    };
    const three = parseDnsMessage(chain(3));
    expect(three.ok && three.message.questions[2].name.length).toBe(3 * 63 + 2);
    expect(reasonOf(chain(4))).toBe("name-too-long");
  });
});

describe("building refuses what cannot be encoded", () => {
  const reasonFor = (m: DnsMessage) => {
    const r = buildDnsMessage(m);
    return r.ok ? "ok" : r.reason;
  };
  it.each([
    ["a 64-byte label", `${"a".repeat(64)}.test`, "label-too-long"],
    ["a 256-byte name", Array(64).fill("abc").join("."), "name-too-long"],
    ["an empty label", "a..b", "bad-name-text"],
    ["a dangling escape", "a\\", "bad-name-text"],
    ["a \\DDD over 255", "a\\256", "bad-name-text"],
    ["a space", "a b", "bad-name-text"],
    ["a non-ASCII letter", "bücher.test", "bad-name-text"],
  ])("%s: %s", (_what, name, reason) => {
    expect(reasonFor(query(name))).toBe(reason);
  });

  it("the longest legal name (255 bytes in wire form) builds", () => {
    const name = `${[..."abc"].map((c) => c.repeat(63)).join(".")}.${"d".repeat(61)}`;
    expect(reasonFor(query(name))).toBe("ok");
    expect(reasonFor(query(`${name}d`))).toBe("name-too-long");
  });

  it("fields outside their width, bad addresses and oversized messages", () => {
    expect(reasonFor(query("a", 0x10000))).toBe("bad-field");
    const m = query("a");
    m.rcode = 16;
    expect(reasonFor(m)).toBe("bad-field");
    const a = query("a");
    a.answers = [{ name: "a", type: 1, class: 1, ttl: 1, data: { kind: "A", address: "10.0.0.256" } }];
    expect(reasonFor(a)).toBe("bad-address");
    const big = query("a");
    big.answers = Array.from({ length: 2 }, () => ({
      name: "a",
      type: 16,
      class: 1,
      ttl: 1,
      data: { kind: "raw" as const, bytes: new Uint8Array(40_000) },
    }));
    expect(reasonFor(big)).toBe("message-too-long");
    const many = query("a");
    many.additionals = Array(0x10000).fill(a.answers[0]);
    expect(reasonFor(many)).toBe("too-many-entries");
  });
});
