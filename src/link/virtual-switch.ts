import type { Clock, Timer } from "../clock/clock.js";
import { RealClock } from "../clock/real-clock.js";
import type { Link } from "./link.js";

/** Options of `virtualSwitch()`. */
export interface VirtualSwitchOptions {
  /** Times deliveries and ageing (default: a RealClock). Pass the stacks' VirtualClock in tests. */
  clock?: Clock;
  /** A learned address is forgotten after this long without a frame from it (IEEE 802.1D: 300 s). */
  ageingTime?: number;
  /** Addresses learned at most; past it the switch stops learning and floods (default 1024). */
  maxAddresses?: number;
  /** Largest frame each port carries, header included (default 1514). */
  mtu?: number;
}

/** What the switch counts: frames forwarded, flooded, filtered and dropped, and addresses it could not learn. */
export interface VirtualSwitchCounters {
  /** Frames sent out of exactly the one port their destination was learned on. */
  forwarded: number;
  /** Frames sent out of every other port: broadcast, multicast or an unknown destination. */
  flooded: number;
  /** Frames dropped because their destination is on the port they came in by. */
  filtered: number;
  /** Frames dropped: shorter than an Ethernet header, longer than the MTU, or from a group address. */
  malformed: number;
  /** Source addresses not learned because the table was full. */
  tableFull: number;
}

/** One port, as `port()` hands it out: the Link a stack, VM or TAP end is given. */
export interface SwitchPort extends Link {
  readonly id: number;
}

interface Learned {
  port: PortEnd;
  seen: number;
}

/**
 * A learning Ethernet switch (IEEE 802.1D transparent bridging, without spanning tree: connect switches
 * in a tree, never a loop) over any number of links. Each frame's source address is learned on its port;
 * a frame to a learned unicast address goes out of that port alone, anything else floods. Only the 12
 * address bytes of a frame are read: a switch does not interpret what it carries. Deliveries go through
 * the clock, as on the memory link, so a stack's reply never re-enters the sender mid-send.
 */
export class VirtualSwitch {
  readonly counters: VirtualSwitchCounters = { forwarded: 0, flooded: 0, filtered: 0, malformed: 0, tableFull: 0 };
  readonly mtu: number;
  readonly #clock: Clock;
  readonly #ageing: number;
  readonly #maxAddresses: number;
  readonly #ports = new Set<PortEnd>();
  readonly #table = new Map<number, Learned>();
  readonly #pending: { to: PortEnd; frame: Uint8Array }[] = [];
  #drain: Timer | null = null;
  #nextId = 0;
  #closed = false;

  constructor(options: VirtualSwitchOptions = {}) {
    this.#clock = options.clock ?? new RealClock();
    this.#ageing = options.ageingTime ?? 300_000;
    this.#maxAddresses = options.maxAddresses ?? 1024;
    this.mtu = options.mtu ?? 1514;
    if (!(this.#ageing > 0 && Number.isInteger(this.#maxAddresses) && this.#maxAddresses >= 1))
      throw new RangeError("virtualSwitch: ageingTime must be > 0 and maxAddresses an integer >= 1");
  }

  /** A new port: give the returned Link to an EthernetInterface, or connect it to another switch. */
  port(): SwitchPort {
    const end = new PortEnd(this, this.#nextId++, this.mtu, null);
    this.#ports.add(end);
    return end;
  }

  /** Plugs an existing Ethernet link in (a TAP link, a v86 NIC, another switch's port): its frames come in. */
  attach(link: Link): SwitchPort {
    const end = new PortEnd(this, this.#nextId++, Math.min(this.mtu, link.mtu), link);
    link.onReceive = (frame) => end.send(frame);
    this.#ports.add(end);
    return end;
  }

  /** The learned addresses still valid, for inspection. */
  table(): { mac: number; port: number }[] {
    const now = this.#clock.now();
    return [...this.#table]
      .filter(([, l]) => now - l.seen < this.#ageing)
      .map(([mac, l]) => ({ mac, port: l.port.id }));
  }

  get portCount(): number {
    return this.#ports.size;
  }

  /** Close every port; frames in flight are dropped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of [...this.#ports]) p.close();
    this.#drain?.cancel();
    this.#pending.length = 0;
    this.#table.clear();
  }

  /** @internal A frame came in on `from`. */
  ingress(from: PortEnd, frame: Uint8Array): void {
    if (this.#closed) return;
    const c = this.counters;
    if (frame.length < 14 || frame.length > from.mtu || (frame[6] & 1) !== 0) {
      c.malformed++;
      return;
    }
    const now = this.#clock.now();
    this.#learn(macAt(frame, 6), from, now);
    const dst = macAt(frame, 0);
    const learned = (frame[0] & 1) === 0 ? this.#table.get(dst) : undefined;
    if (learned !== undefined && now - learned.seen < this.#ageing) {
      if (learned.port === from) c.filtered++;
      else {
        c.forwarded++;
        this.#queue(learned.port, frame);
      }
      return;
    }
    c.flooded++;
    // Every receiver owns its frame (link.ts), so all but the last get a copy.
    let last: PortEnd | null = null;
    for (const p of this.#ports) {
      if (p === from) continue;
      if (last !== null) this.#queue(last, frame.slice());
      last = p;
    }
    if (last !== null) this.#queue(last, frame);
  }

  /** @internal */
  detach(port: PortEnd): void {
    this.#ports.delete(port);
    for (const [mac, l] of this.#table) if (l.port === port) this.#table.delete(mac);
  }

  #learn(mac: number, port: PortEnd, now: number): void {
    const known = this.#table.get(mac);
    if (known !== undefined) {
      known.port = port;
      known.seen = now;
      return;
    }
    if (this.#table.size >= this.#maxAddresses) {
      for (const [m, l] of this.#table) if (now - l.seen >= this.#ageing) this.#table.delete(m);
      // Full of live addresses (a MAC flood): learn no more, as a hardware switch does, and flood instead.
      if (this.#table.size >= this.#maxAddresses) {
        this.counters.tableFull++;
        return;
      }
    }
    this.#table.set(mac, { port, seen: now });
  }

  #queue(to: PortEnd, frame: Uint8Array): void {
    this.#pending.push({ to, frame });
    this.#drain ??= this.#clock.schedule(0, () => this.#deliver());
  }

  #deliver(): void {
    this.#drain = null;
    // Frames queued by the deliveries below (replies) wait for the next round.
    const batch = this.#pending.splice(0);
    for (const { to, frame } of batch) to.egress(frame);
  }
}

function macAt(frame: Uint8Array, at: number): number {
  return (
    ((frame[at] << 8) | frame[at + 1]) * 0x1_0000_0000 +
    (((frame[at + 2] << 24) | (frame[at + 3] << 16) | (frame[at + 4] << 8) | frame[at + 5]) >>> 0)
  );
}

/** A port: as a Link, `send` is a frame into the switch, `onReceive` gets frames out of it. */
class PortEnd implements SwitchPort {
  readonly id: number;
  readonly mtu: number;
  onReceive: ((frame: Uint8Array) => void) | null = null;
  readonly #switch: VirtualSwitch;
  /** An attached link takes the frames out of this port; a handed-out port gives them to onReceive. */
  readonly #link: Link | null;
  #closed = false;

  constructor(sw: VirtualSwitch, id: number, mtu: number, link: Link | null) {
    this.#switch = sw;
    this.id = id;
    this.mtu = mtu;
    this.#link = link;
  }

  send(frame: Uint8Array): void {
    if (!this.#closed) this.#switch.ingress(this, frame);
  }

  egress(frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#link !== null) this.#link.send(frame);
    else this.onReceive?.(frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onReceive = null;
    if (this.#link !== null) this.#link.onReceive = null;
    this.#switch.detach(this);
  }
}

/** A learning switch; see VirtualSwitch. */
export function virtualSwitch(options: VirtualSwitchOptions = {}): VirtualSwitch {
  return new VirtualSwitch(options);
}
