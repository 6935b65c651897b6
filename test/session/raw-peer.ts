import { encodeFrame, type Frame, FrameReader, PROTOCOL_VERSION, Tag } from "../../src/session/frame.js";
import type { ByteStream, ProtocolNode } from "../../src/session/index.js";
import { fingerprint, untyped } from "../../src/session/walk.js";

/** A hand-driven peer: writes whatever frames a test wants and reads what the session sends. */
export class RawPeer {
  readonly reader: FrameReader;

  constructor(readonly stream: ByteStream) {
    this.reader = new FrameReader(stream, 1 << 20);
  }

  /** The HELLO a correct peer of `protocol` (this side's own protocol) would send. */
  async hello(protocol: ProtocolNode): Promise<void> {
    const fp = fingerprint(untyped(protocol));
    await this.frame(Tag.hello, new Uint8Array([PROTOCOL_VERSION, ...fp]));
  }

  frame(tag: number, payload: Uint8Array | number[] = []): Promise<void> {
    return this.stream.write(encodeFrame(tag, payload instanceof Uint8Array ? payload : new Uint8Array(payload)));
  }

  message(payload: Uint8Array | number[]): Promise<void> {
    return this.frame(Tag.message, payload);
  }

  choice(label: string): Promise<void> {
    return this.frame(Tag.choice, new TextEncoder().encode(label));
  }

  /** Every frame until the session ends the stream. */
  async rest(): Promise<Frame[]> {
    const out: Frame[] = [];
    for (;;) {
      const f = await this.reader.next().catch(() => null);
      if (f === null) return out;
      out.push(f);
    }
  }
}

export { Tag };
