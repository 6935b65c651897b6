import { describe, expect, it } from "vitest";
import { FrameReader, frameMessage } from "../../src/dns/index.js";

describe("DNS over TCP framing (RFC 7766 section 8)", () => {
  it("prefixes the length, big-endian", () => {
    expect([...frameMessage(Uint8Array.of(9, 8, 7))]).toEqual([0, 3, 9, 8, 7]);
    expect([...frameMessage(new Uint8Array(0x1234)).subarray(0, 2)]).toEqual([0x12, 0x34]);
    expect(() => frameMessage(new Uint8Array(0x10000))).toThrow(RangeError);
  });

  it("reassembles messages split anywhere and separates messages sharing a chunk", () => {
    const messages = [Uint8Array.of(1), new Uint8Array(300).fill(2), new Uint8Array(0), Uint8Array.of(3, 3)];
    const stream = Uint8Array.from(messages.flatMap((m) => [...frameMessage(m)]));
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const reader = new FrameReader();
      const got: Uint8Array[] = [];
      for (let at = 0; at < stream.length; at += size) got.push(...reader.push(stream.subarray(at, at + size)));
      expect(got, `chunks of ${size}`).toEqual(messages);
      expect(reader.buffered).toBe(0);
    }
  });

  it("holds a message begun but not finished, and says how much of it came", () => {
    const reader = new FrameReader();
    expect(reader.push(frameMessage(new Uint8Array(10)).subarray(0, 6))).toEqual([]);
    expect(reader.buffered).toBe(6);
  });
});
