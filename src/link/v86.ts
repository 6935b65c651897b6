import type { Link } from "./link.js";

/**
 * What the adapter needs of v86's bus (`emulator.bus`, a `Bus.Connector` in v86's src/bus.js): its
 * network card (ne2k.js, virtio_net.js) sends every frame it transmits as `net<id>-send` and takes the
 * frames it receives as `net<id>-receive`.
 */
export interface V86BusLike {
  /** Listen for bus events named `name` (v86's `net0-send`: frames from the VM). */
  register(name: string, fn: (data: Uint8Array) => void, thisValue: unknown): void;
  /** Stop listening. */
  unregister(name: string, fn: (data: Uint8Array) => void): void;
  /** Raise a bus event (v86's `net0-receive`: a frame for the VM). */
  send(name: string, value: unknown): void;
}

/** Options of `v86Link`. */
export interface V86LinkOptions {
  /** The NIC's number: 0 for `net0-send`/`net0-receive` (v86's only one unless configured). */
  id?: number;
}

/** What a v86 link counts, each way. */
export interface V86LinkCounters {
  framesIn: number;
  framesOut: number;
  /** Frames from the NIC shorter than an Ethernet header, or longer than the MTU. */
  dropped: number;
}

/**
 * A v86 machine's network card as an Ethernet link: plug it into a `virtualSwitch` beside wirestate
 * stacks, or into an `EthernetInterface`. Frames are whole Ethernet frames without FCS, as the guest
 * driver wrote them (usually padded to 60 bytes). v86 hands `net0-send` a view into the card's own
 * buffer, which it reuses for the next frame, so each is copied before it goes on.
 */
export function v86Link(bus: V86BusLike, options: V86LinkOptions = {}): Link & { counters: V86LinkCounters } {
  return new V86Link(bus, options.id ?? 0);
}

/** The largest frame a 1500-byte-MTU guest sends: 14 header bytes and 1500 of payload (no FCS). */
const V86_MTU = 1514;

class V86Link implements Link {
  readonly mtu = V86_MTU;
  readonly counters: V86LinkCounters = { framesIn: 0, framesOut: 0, dropped: 0 };
  onReceive: ((frame: Uint8Array) => void) | null = null;
  readonly #bus: V86BusLike;
  readonly #receive: string;
  readonly #send: string;
  #closed = false;
  readonly #fromCard = (data: Uint8Array): void => {
    if (this.#closed) return;
    if (data.length < 14 || data.length > this.mtu) {
      this.counters.dropped++;
      return;
    }
    this.counters.framesIn++;
    this.onReceive?.(data.slice());
  };

  constructor(bus: V86BusLike, id: number) {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`v86Link: id must be an integer >= 0, got ${id}`);
    this.#bus = bus;
    this.#send = `net${id}-send`;
    this.#receive = `net${id}-receive`;
    bus.register(this.#send, this.#fromCard, this);
  }

  send(frame: Uint8Array): void {
    if (this.#closed) return;
    this.counters.framesOut++;
    this.#bus.send(this.#receive, frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onReceive = null;
    this.#bus.unregister(this.#send, this.#fromCard);
  }
}
