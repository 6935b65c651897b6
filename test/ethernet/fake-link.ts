import type { Link } from "../../src/link/link.js";

/** A link the test drives by hand: what the interface sends is recorded, `inject` hands it a frame. */
export class FakeLink implements Link {
  readonly mtu = 1514;
  readonly sent: Uint8Array[] = [];
  onReceive: ((frame: Uint8Array) => void) | null = null;
  closed = false;

  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }

  inject(frame: Uint8Array): void {
    this.onReceive?.(frame);
  }

  /** The frames sent since the last call. */
  take(): Uint8Array[] {
    return this.sent.splice(0);
  }

  close(): void {
    this.closed = true;
  }
}
