import { describe, expect, it } from "vitest";
import { SendBuffer } from "../../src/tcp/send-buffer.js";
import { buildPacket } from "../../src/wire/build.js";
import { parsePacket } from "../../src/wire/parse.js";
import { TcpFlags } from "../../src/wire/types.js";
import { LinearView } from "../../src/wire/wasm.js";

const segment = (payload: Uint8Array) =>
  buildPacket({ src: 1, dst: 2, srcPort: 3, dstPort: 4, seq: 5, flags: TcpFlags.ACK, window: 6, payload });

describe("SendBuffer over a ring in linear memory", () => {
  it("peeks views the build copies from, across the ring's wrap-around too, with the bytes written", () => {
    const b = new SendBuffer(4096, 4096);
    const bytes = (from: number, n: number) => new Uint8Array(n).map((_, i) => (from + i) * 31);
    let written = 0;
    let acked = 0;
    const write = (n: number) => {
      expect(b.write(bytes(written, n))).toBe(n);
      written += n;
    };
    write(3001);
    b.consume(2999);
    acked = 2999;
    write(3001); // the ring wraps: bytes 4097.. sit at its front
    const seen: boolean[] = [];
    for (const [offset, len] of [
      [0, 1],
      [1, 1096], // up to the ring's end
      [0, 1448], // across the wrap: gathered
      [1097, 1447], // from the front again
      [3, 1],
      [5, 3],
    ]) {
      const view = b.peek(offset, len);
      seen.push(view instanceof LinearView);
      expect(view.slice()).toEqual(bytes(acked + offset, len));
      const parsed = parsePacket(segment(view));
      expect(parsed.ok && parsed.payload).toEqual(bytes(acked + offset, len));
    }
    expect(seen).toEqual([true, true, false, true, true, true]);
  });
});
