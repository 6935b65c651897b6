import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prng } from "../../src/link/prng.js";
import { ipv6ToString } from "../../src/wire/ipv6-address.js";
import { mutateDnsMessage } from "../helpers/dns-mutate.js";
import {
  buildDnsMessage,
  type DnsMessage,
  type DnsParseErrorReason,
  type DnsRecord,
  parseDnsMessage,
} from "../../src/wire/index.js";

/** Presentation form of one label's bytes, as RFC 1035 section 5.1 escapes them. */
function escapeLabel(bytes: number[]): string {
  return bytes
    .map((b) =>
      b === 0x2e || b === 0x5c
        ? `\\${String.fromCharCode(b)}`
        : b > 0x20 && b < 0x7f
          ? String.fromCharCode(b)
          : `\\${String(b).padStart(3, "0")}`,
    )
    .join("");
}

// Label bytes favour a few names so compression finds shared suffixes; odd bytes test the escapes.
const labelByte = fc.oneof(fc.constantFrom(0x61, 0x62, 0x2d, 0x41), fc.integer({ min: 0, max: 255 }));
const label = fc.oneof(
  fc.constantFrom("www", "example", "com", "test", "CDN"),
  fc.array(labelByte, { minLength: 1, maxLength: 20 }).map(escapeLabel),
);
const name = fc.array(label, { maxLength: 5 }).map((ls) => (ls.length === 0 ? "." : ls.join(".")));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(ipv6ToString);

const record: fc.Arbitrary<DnsRecord> = fc.oneof(
  fc.record({
    name,
    type: fc.constant(1),
    class: fc.constant(1),
    ttl: u32,
    data: ipv4.map((address) => ({ kind: "A" as const, address })),
  }),
  fc.record({
    name,
    type: fc.constant(28),
    class: fc.constant(1),
    ttl: u32,
    data: ipv6.map((address) => ({ kind: "AAAA" as const, address })),
  }),
  fc.record({
    name,
    type: fc.constantFrom(2, 5, 12),
    class: fc.constant(1),
    ttl: u32,
    data: name.map((n) => ({ kind: "name" as const, name: n })),
  }),
  fc.record({
    name,
    type: fc.constant(6),
    class: fc.constant(1),
    ttl: u32,
    data: fc.record({
      kind: fc.constant("SOA" as const),
      mname: name,
      rname: name,
      serial: u32,
      refresh: u32,
      retry: u32,
      expire: u32,
      minimum: u32,
    }),
  }),
  fc.record({
    name,
    type: fc.constantFrom(16, 41, 99, 65535),
    class: fc.integer({ min: 0, max: 0xffff }),
    ttl: u32,
    data: fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ kind: "raw" as const, bytes })),
  }),
);

const message: fc.Arbitrary<DnsMessage> = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  qr: fc.boolean(),
  opcode: fc.nat(15),
  aa: fc.boolean(),
  tc: fc.boolean(),
  rd: fc.boolean(),
  ra: fc.boolean(),
  z: fc.nat(7),
  rcode: fc.nat(15),
  questions: fc.array(fc.record({ name, type: fc.integer({ min: 0, max: 0xffff }), class: fc.constantFrom(1, 255) }), {
    maxLength: 3,
  }),
  answers: fc.array(record, { maxLength: 6 }),
  authorities: fc.array(record, { maxLength: 3 }),
  additionals: fc.array(record, { maxLength: 3 }),
});

function built(m: DnsMessage, compress = true): Uint8Array {
  const r = buildDnsMessage(m, { compress });
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return r.bytes;
}

const SEED = 0x1014;

describe("DNS parser, property-based (fast-check)", () => {
  it("build then parse gives the message back, compressed or not (500 runs, seed 0x1014)", () => {
    fc.assert(
      fc.property(message, (m) => {
        const compressed = built(m);
        const plain = built(m, false);
        expect(compressed.length).toBeLessThanOrEqual(plain.length);
        const a = parseDnsMessage(compressed);
        const b = parseDnsMessage(plain);
        expect(a.ok && a.message).toEqual(m);
        expect(b.ok && b.message).toEqual(m);
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});

describe("DNS parser under a seeded mutator", () => {
  const MUTATIONS = 20_000;

  it(`${MUTATIONS} mutations of valid messages (seed 0x1014): a typed result every time, bounded, stable`, () => {
    const corpus = fc.sample(message, { seed: SEED, numRuns: 64 }).map((m) => built(m));
    const rng = new Prng(SEED);
    const reasons = new Map<DnsParseErrorReason | "ok", number>();
    for (let i = 0; i < MUTATIONS; i++) {
      const bytes = mutateDnsMessage(corpus[i % corpus.length], rng);
      let r: ReturnType<typeof parseDnsMessage>;
      try {
        r = parseDnsMessage(bytes);
      } catch (err) {
        throw new Error(`mutation ${i} (seed 0x1014) threw: ${String(err)}`);
      }
      const kind = r.ok ? "ok" : r.reason;
      reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
      if (!r.ok) {
        expect(r.offset).toBeGreaterThanOrEqual(0);
        expect(r.offset).toBeLessThanOrEqual(bytes.length);
        continue;
      }
      const m = r.message;
      // Bounded: a question takes at least 5 bytes and a record 11, whatever the counts claim.
      const entries = m.questions.length + m.answers.length + m.authorities.length + m.additionals.length;
      expect(entries).toBeLessThanOrEqual((bytes.length - 12) / 5);
      // Stable: what parsed builds again, and parses to the same message.
      const again = buildDnsMessage(m);
      if (!again.ok) throw new Error(`mutation ${i}: a parsed message does not build: ${again.detail}`);
      expect(parseDnsMessage(again.bytes)).toEqual(r);
    }
    // The mutator reaches the parser's checks, not only its first one.
    for (const reason of [
      "ok",
      "truncated-name",
      "pointer-not-backward",
      "pointer-out-of-range",
      "bad-label-type",
      "truncated-rdata",
      "bad-rdata",
    ] as const) {
      expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
  });

  it("pointer mazes end: a message that is nothing but backward pointers", () => {
    // 4000 questions, each a pointer to the byte before it: every name dead-ends in at most one hop.
    const m = new Uint8Array(12 + 4000 * 6);
    m.set([0, 1, 0x81, 0x80, 0x0f, 0xa0, 0, 0, 0, 0, 0, 0]);
    for (let i = 0; i < 4000; i++) {
      const at = 12 + i * 6;
      const target = Math.max(0, at - 1);
      m.set([0xc0 | (target >> 8), target & 0xff, 0, 1, 0, 1], at);
    }
    const r = parseDnsMessage(m);
    expect(r.ok ? "ok" : r.reason).not.toBe("ok");
  });
});
