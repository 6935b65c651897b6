import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parsePacket, internetChecksum, pseudoHeaderSum, type ParseErrorReason } from "../../src/wire/index.js";
import { refParsePacket } from "./reference/index.js";
import { readPcap } from "../helpers/pcap-reader.js";
import { wasm, mem8, FREE } from "../../src/wire/wasm.js";

const VECTORS = ["linux-closed-port.pcap", "linux-http-clean.pcap", "linux-http-loss.pcap"].flatMap((f) =>
  readPcap(readFileSync(new URL(`./vectors/${f}`, import.meta.url))).records.map((r) => r.data),
);

/** Recomputes the IPv4 header checksum in place. */
function fixIp(p: Uint8Array): Uint8Array {
  const ihl = (p[0] & 15) * 4;
  p[10] = p[11] = 0;
  const ck = internetChecksum(p.subarray(0, ihl));
  p[10] = ck >> 8;
  p[11] = ck & 255;
  return p;
}

/** Recomputes the TCP checksum in place over the segment the IPv4 total length delimits. */
function fixTcp(p: Uint8Array): Uint8Array {
  const ihl = (p[0] & 15) * 4;
  const total = (p[2] << 8) | p[3];
  const v = new DataView(p.buffer, p.byteOffset);
  p[ihl + 16] = p[ihl + 17] = 0;
  const pseudo = pseudoHeaderSum(v.getUint32(12), v.getUint32(16), 6, total - ihl);
  const ck = internetChecksum(p.subarray(ihl, total), pseudo);
  p[ihl + 16] = ck >> 8;
  p[ihl + 17] = ck & 255;
  return p;
}

/** An IPv4+TCP packet with the given raw option bytes (padded to a word) and payload, checksums correct. */
function packet(options: number[] = [], payload: number[] = [1, 2, 3]): Uint8Array {
  const opt = [...options];
  while (opt.length % 4) opt.push(0);
  const total = 40 + opt.length + payload.length;
  const p = new Uint8Array(total);
  p.set([0x45, 0, total >> 8, total & 255, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
  p.set([0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, ((20 + opt.length) / 4) << 4, 0x18, 0xff, 0xff, 0, 0, 0, 0], 20);
  p.set(opt, 40);
  p.set(payload, 40 + opt.length);
  return fixTcp(fixIp(p));
}

/** The same packet with `options` (a multiple of 4 bytes) inserted as IPv4 header options. */
function withIpOptions(p: Uint8Array, options: number[]): Uint8Array {
  const q = new Uint8Array(p.length + options.length);
  q.set(p.subarray(0, 20));
  q.set(options, 20);
  q.set(p.subarray(20), 20 + options.length);
  q[0] = 0x45 + options.length / 4;
  q[2] = q.length >> 8;
  q[3] = q.length & 255;
  return fixIp(q);
}

function edit(p: Uint8Array, at: number, value: number): Uint8Array {
  const q = p.slice();
  q[at] = value;
  return q;
}

function setTotal(p: Uint8Array, total: number): Uint8Array {
  const q = p.slice();
  q[2] = total >> 8;
  q[3] = total & 255;
  return q;
}

function reasonOf(result: ReturnType<typeof parsePacket>): ParseErrorReason | "ok" {
  return result.ok ? "ok" : result.reason;
}

/**
 * Both parsers, which must agree: on the reason, and on an accepted packet every field (the payload as
 * bytes); the result's reason, or "ok".
 */
function verdict(bytes: Uint8Array): ParseErrorReason | "ok" {
  const got = parsePacket(bytes);
  const ref = refParsePacket(bytes);
  expect(reasonOf(ref)).toBe(reasonOf(got));
  if (got.ok && ref.ok) {
    expect({ ...got, payload: [...got.payload] }).toEqual({ ...ref, payload: [...ref.payload] });
  }
  return reasonOf(got);
}

const CASES: [string, Uint8Array, ParseErrorReason | "ok"][] = [
  ["a valid packet", packet([2, 4, 5, 0xb4]), "ok"],
  ["19 bytes", packet().subarray(0, 19), "truncated-ip-header"],
  ["empty", new Uint8Array(0), "truncated-ip-header"],
  ["version 6", edit(packet(), 0, 0x65), "bad-ip-version"],
  ["version 0", edit(packet(), 0, 0x05), "bad-ip-version"],
  ["IHL 4", edit(packet(), 0, 0x44), "bad-ihl"],
  ["IHL 0", edit(packet(), 0, 0x40), "bad-ihl"],
  ["IHL 15 in a 43-byte buffer", edit(packet(), 0, 0x4f), "bad-ihl"],
  ["total length below the header", fixIp(setTotal(packet(), 19)), "bad-total-length"],
  ["total length past the buffer", fixIp(setTotal(packet(), 44)), "bad-total-length"],
  ["IP header checksum wrong", edit(packet(), 8, 63), "bad-ip-checksum"],
  ["IP checksum field corrupted", edit(packet(), 11, packet()[11] ^ 0x80), "bad-ip-checksum"],
  ["MF set", fixIp(edit(packet(), 6, 0x20)), "fragment"],
  ["fragment offset 1", fixIp(edit(packet(), 7, 1)), "fragment"],
  ["fragment offset only in the high bits", fixIp(edit(packet(), 6, 0x5f)), "fragment"],
  ["UDP", fixIp(edit(packet(), 9, 17)), "not-tcp"],
  ["ICMP", fixIp(edit(packet(), 9, 1)), "not-tcp"],
  ["19 bytes of TCP", fixIp(setTotal(packet([], []).subarray(0, 39), 39)), "truncated-tcp-header"],
  ["no TCP at all", fixIp(setTotal(packet([], []).subarray(0, 20), 20)), "truncated-tcp-header"],
  ["data offset 4", edit(packet(), 32, 0x40), "bad-data-offset"],
  ["data offset 0", edit(packet(), 32, 0x00), "bad-data-offset"],
  ["data offset past the segment", edit(packet([], []), 32, 0x60), "bad-data-offset"],
  ["TCP checksum wrong", edit(packet(), 42, 9), "bad-tcp-checksum"],
  ["TCP checksum covers the pseudo-header", fixIp(edit(packet(), 19, 3)), "bad-tcp-checksum"],
  ["option length 0", packet([99, 0]), "bad-option-length"],
  ["option length 1", packet([2, 1, 5, 0xb4]), "bad-option-length"],
  ["option past the header", packet([1, 1, 8, 10, 0, 0, 0, 1]), "bad-option-length"],
  ["kind without a length byte", packet([1, 1, 1, 8]), "bad-option-length"],
  ["unknown option past the header", packet([200, 9, 1, 1]), "bad-option-length"],
  ["MSS length 3", packet([2, 3, 5, 1]), "bad-option-value"],
  ["MSS length 6", packet([2, 6, 5, 0xb4, 0, 0]), "bad-option-value"],
  ["window scale length 4", packet([3, 4, 7, 0]), "bad-option-value"],
  ["SACK-permitted length 3", packet([4, 3, 0, 1]), "bad-option-value"],
  ["timestamps length 8", packet([8, 8, 0, 0, 0, 1, 0, 0]), "bad-option-value"],
  ["SACK with no block", packet([5, 2, 1, 1]), "bad-option-value"],
  ["SACK length 11", packet([5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0]), "bad-option-value"],
  ["unknown option skipped by its length", packet([99, 6, 1, 2, 3, 4, 2, 4, 5, 0xb4]), "ok"],
  ["EOL then garbage", packet([2, 4, 5, 0xb4, 0, 0xff, 0, 1]), "ok"],
  ["NOP padding to the end", packet([1, 1, 1, 1]), "ok"],
  ["four SACK blocks", packet([1, 1, 5, 34, ...Array(32).fill(7)]), "ok"],
  ["IPv4 options (IHL 6) skipped", withIpOptions(packet([2, 4, 5, 0xb4]), [1, 1, 1, 0]), "ok"],
  ["IPv4 options (IHL 15) skipped", withIpOptions(packet(), Array(40).fill(1)), "ok"],
  ["IHL 6 claims options the buffer lacks", fixIp(edit(packet([], []).subarray(0, 23), 0, 0x46)), "bad-ihl"],
  ["trailing bytes past the total length ignored", Uint8Array.from([...packet(), 0xde, 0xad]), "ok"],
];

describe("malformed packets: each validation rule gives its own reason", () => {
  for (const [name, bytes, reason] of CASES) {
    it(`${name} -> ${reason}`, () => {
      expect(verdict(bytes)).toBe(reason);
    });
  }
});

describe("malformed packets: truncation and random bytes never throw", () => {
  it("every truncation of every real packet is rejected by the IPv4 length checks", () => {
    const wrong: string[] = [];
    let cases = 0;
    for (const [i, full] of VECTORS.entries()) {
      for (let n = 0; n < full.length; n++) {
        const cut = full.subarray(0, n);
        const expected = n < 20 ? "truncated-ip-header" : "bad-total-length";
        const got = [reasonOf(parsePacket(cut)), reasonOf(refParsePacket(cut))];
        if (got[0] !== expected || got[1] !== expected) wrong.push(`packet ${i} cut at ${n}: ${got.join(" / ")}`);
        cases++;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(cases).toBeGreaterThan(100_000);
  });

  it("every truncation of the TCP segment, with a consistent IPv4 header, is rejected by the TCP checks", () => {
    const wrong: string[] = [];
    for (const full of VECTORS.slice(0, 40)) {
      const doff = (full[32] >> 4) * 4;
      for (let n = 20; n < full.length; n++) {
        const cut = fixIp(setTotal(full.subarray(0, n), n));
        const tcpLength = n - 20;
        const expected =
          tcpLength < 20 ? "truncated-tcp-header" : tcpLength < doff ? "bad-data-offset" : "bad-tcp-checksum";
        const got = [reasonOf(parsePacket(cut)), reasonOf(refParsePacket(cut))];
        if (got[0] !== expected || got[1] !== expected) wrong.push(`cut at ${n}: ${got.join(" / ")} != ${expected}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("never reads past the end: bytes after a packet in WASM memory do not change the verdict", () => {
    // Each cut is made self-consistent (total length, data offset, both checksums) so parsing reaches
    // the option walk with the cut inside it; then the bytes after the cut are varied.
    const wrong: string[] = [];
    const verdicts = new Set<string>();
    const options = [2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    for (const full of [...VECTORS.slice(0, 6), packet(options)]) {
      for (let n = 0; n <= full.length; n++) {
        let cut: Uint8Array = full.slice(0, n);
        if (n >= 40) {
          cut = setTotal(cut, n);
          cut[32] = (Math.min(full[32] >> 4, Math.floor((n - 20) / 4)) << 4) | (cut[32] & 15);
          fixTcp(fixIp(cut));
        }
        const seen = [0x00, 0xff, 0x45].map((fill) => {
          mem8.fill(fill, FREE, FREE + full.length + 64);
          mem8.set(cut, FREE);
          const p = parsePacket(mem8.subarray(FREE, FREE + n));
          return p.ok ? `ok ${JSON.stringify(p.tcp.options)}` : p.reason;
        });
        seen.forEach((v) => verdicts.add(v.startsWith("ok") ? "ok" : v));
        if (new Set(seen).size !== 1) wrong.push(`cut at ${n}: ${seen.join(" / ")}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect([...verdicts].sort()).toEqual(["bad-option-length", "bad-total-length", "ok", "truncated-ip-header"]);
  });

  it("random bytes: both parsers agree, neither throws, WASM memory does not grow", () => {
    const pages = wasm.memory.buffer.byteLength;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void verdict(bytes)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 65530, maxLength: 70000 }), (bytes) => void verdict(bytes)),
      { numRuns: 20 },
    );
    expect(wasm.memory.buffer.byteLength).toBe(pages);
  });

  it("random TCP headers and options behind a valid IPv4 header, checksums fixed: both parsers agree", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 80 }), fc.nat({ max: 15 }), (tcp, doff) => {
        const p = new Uint8Array(20 + tcp.length);
        p.set([0x45, 0, p.length >> 8, p.length & 255, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        p.set(tcp, 20);
        p[32] = (doff << 4) | (p[32] & 15);
        fixTcp(fixIp(p));
        const reason = verdict(p);
        if (doff >= 5 && doff * 4 <= tcp.length)
          expect(["ok", "bad-option-length", "bad-option-value"]).toContain(reason);
      }),
      { numRuns: 3000 },
    );
  });

  it("random IPv4 fields and options, random TCP header and options, checksums fixed: every field agrees", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.nat({ max: 10 }),
        fc.uint8Array({ minLength: 20, maxLength: 70 }),
        fc.nat({ max: 15 }),
        (ip, ipOptionWords, tcp, doff) => {
          const ihl = 20 + 4 * ipOptionWords;
          const p = new Uint8Array(ihl + tcp.length);
          p.set(ip);
          for (let i = 20; i < ihl; i++) p[i] = (i * 29 + ip[i % 20]) & 255;
          p[0] = 0x40 | (ihl >> 2);
          p[2] = p.length >> 8;
          p[3] = p.length & 255;
          p[6] &= 0x40; // DF may be set; MF and the fragment offset would stop the parse before TCP
          p[7] = 0;
          p[9] = 6;
          p.set(tcp, ihl);
          p[ihl + 12] = (doff << 4) | (p[ihl + 12] & 15);
          fixTcp(fixIp(p));
          const reason = verdict(p);
          if (doff >= 5 && doff * 4 <= tcp.length)
            expect(["ok", "bad-option-length", "bad-option-value"]).toContain(reason);
          else expect(reason).toBe("bad-data-offset");
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("real packets with random bytes flipped: both parsers agree", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: VECTORS.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (which, flips, fix) => {
          const p = VECTORS[which].slice();
          for (const [at, x] of flips) p[at % p.length] ^= x;
          if (fix && p.length >= 20 && (p[0] & 15) >= 5 && (p[0] & 15) * 4 <= p.length) fixIp(p);
          verdict(p);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
