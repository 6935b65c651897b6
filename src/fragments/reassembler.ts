import type { Clock, Timer } from "../clock/clock.js";
import type { Fragment } from "./fragment-header.js";
import { sealHeader } from "./seal-header.js";

/** Why reassembly dropped a fragment (or, for a timeout, a datagram); the stack counts each. */
export type FragmentDrop =
  | "fragment-invalid" // not the last fragment, yet its length is zero or no multiple of 8 (RFC 791)
  | "fragment-too-long" // offset + length make a datagram over 65535 bytes ("ping of death")
  | "fragment-overlap" // overlaps another fragment, or disagrees on the end: the whole datagram goes
  | "fragment-after-overlap" // belongs to a datagram already dropped for an overlap
  | "fragment-memory" // the bytes held for reassembly would pass `maxBytes`
  | "fragment-datagrams" // a new datagram while `maxDatagrams` are pending
  | "fragment-per-source" // a new datagram while its source has `maxPerSource` pending
  | "fragment-timeout"; // a datagram not complete within `timeoutMs` (counted once per datagram)

export const FRAGMENT_DROPS: readonly FragmentDrop[] = [
  "fragment-invalid",
  "fragment-too-long",
  "fragment-overlap",
  "fragment-after-overlap",
  "fragment-memory",
  "fragment-datagrams",
  "fragment-per-source",
  "fragment-timeout",
];

export interface ReassemblyCounters {
  fragmentsIn: number;
  datagramsReassembled: number;
  /** Exact repeats of a fragment held already: ignored, the datagram goes on. */
  duplicateFragments: number;
  drops: Record<FragmentDrop, number>;
}

export interface ReassemblyLimits {
  /** Datagrams pending at once, dropped ones awaiting their timeout included. */
  maxDatagrams: number;
  /** Bytes held for pending datagrams, with a fixed charge per fragment so tiny fragments pay too. */
  maxBytes: number;
  /** Datagrams pending at once from one source address. */
  maxPerSource: number;
  /** Time from a datagram's first fragment to giving up on it. */
  timeoutMs: number;
}

/**
 * Linux's defaults where it has them: 30 s `ipfrag_time` (RFC 1122 §3.3.2 asks for 60 to 120 s, RFC 791
 * suggested 15 s; Linux's value is what peers meet today) and 4 MiB `ipfrag_high_thresh`.
 */
export const defaultReassemblyLimits: ReassemblyLimits = {
  maxDatagrams: 256,
  maxBytes: 4 << 20,
  maxPerSource: 64,
  timeoutMs: 30_000,
};

/** What a held fragment costs beyond its data: its record and the array's bookkeeping. */
export const FRAGMENT_CHARGE = 64;
const MAX_DATAGRAM = 65535;

interface Piece {
  offset: number;
  end: number;
  data: Uint8Array;
}

class Pending {
  readonly pieces: Piece[] = [];
  /** Data bytes held (no overlaps, so the datagram is whole when this reaches `end`). */
  received = 0;
  /** Length of the datagram's data, known once the last fragment came; -1 before. */
  end = -1;
  /** Fragment zero's header and first 8 data bytes (what ICMP quotes), and it as a view of them. */
  first: Uint8Array | null = null;
  zero: Fragment | null = null;
  charged = 0;
  /** Dropped for an overlap: kept, holding nothing, so its later fragments are dropped too (RFC 5722). */
  dead = false;

  constructor(
    readonly key: string,
    readonly src: number,
    readonly deadline: number,
  ) {}
}

/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815): fragments are held per datagram, keyed by (source, destination,
 * protocol, identification), until they cover the datagram, which then comes back as one packet.
 *
 * Fragments are kept sorted by offset, and none may overlap another: an overlapping fragment drops its whole
 * datagram, as RFC 5722 asks for IPv6 and Linux does for IPv4, which takes teardrop-style attacks and
 * overlap-based evasion off the table; with overlaps gone, RFC 815's hole list is the gaps between neighbours.
 * Bounds (count, bytes, per source, time) make a fragment flood or a datagram that never completes cost a
 * bounded amount of memory; new work is refused at a bound (as Linux does), never old work evicted, so a
 * flood cannot push out a datagram that is about to complete.
 */
export class Reassembler {
  readonly #clock: Clock;
  readonly #limits: ReassemblyLimits;
  readonly #counters: ReassemblyCounters;
  readonly #timeExceeded: (quoted: Uint8Array, about: Fragment) => void;
  readonly #seal: (packet: Uint8Array, headerLength: number) => void;
  /** In creation order, which is deadline order: the first entry is the next to expire. */
  readonly #pending = new Map<string, Pending>();
  readonly #perSource = new Map<number, number>();
  #bytes = 0;
  #timer: Timer | null = null;

  /**
   * `timeExceeded` gets the header and first 8 data bytes of a datagram that timed out after its first
   * fragment arrived, what an ICMP time exceeded, code 1, quotes (RFC 792; RFC 1122 §3.3.2), and that
   * fragment zero as a `Fragment` of those bytes. `seal` finishes the reassembled packet's header (IPv4's
   * by default: total length, flags and checksum; IPv6's is the fixed header with the payload length).
   */
  constructor(
    clock: Clock,
    counters: ReassemblyCounters,
    timeExceeded: (quoted: Uint8Array, about: Fragment) => void,
    limits: Partial<ReassemblyLimits> = {},
    seal: (packet: Uint8Array, headerLength: number) => void = (p, hl) => sealHeader(p, hl, 0),
  ) {
    this.#clock = clock;
    this.#counters = counters;
    this.#timeExceeded = timeExceeded;
    this.#seal = seal;
    this.#limits = { ...defaultReassemblyLimits, ...limits };
  }

  /** Datagrams pending (dropped ones awaiting their timeout included). */
  get pendingDatagrams(): number {
    return this.#pending.size;
  }

  /** Bytes charged for held fragments. */
  get heldBytes(): number {
    return this.#bytes;
  }

  /**
   * One fragment. Returns the reassembled datagram (a fresh IPv4 packet, no longer a fragment) when this
   * fragment completes it, else null. Nothing of `f` is kept: the bytes held are copies.
   */
  add(f: Fragment): Uint8Array | null {
    const c = this.#counters;
    c.fragmentsIn++;
    const length = f.data.length;
    const end = f.offset + length;
    if (f.more && (length === 0 || (length & 7) !== 0)) {
      c.drops["fragment-invalid"]++;
      return null;
    }
    if (f.header.length + end > MAX_DATAGRAM) {
      c.drops["fragment-too-long"]++;
      return null;
    }
    // Data of length 0 is a last fragment that only tells the end; it is held as nothing.
    const charge = FRAGMENT_CHARGE + length + (f.offset === 0 ? f.header.length + 8 : 0);
    const key = `${f.src}>${f.dst}/${f.protocol}#${f.id}`;
    const d = this.#pending.get(key) ?? this.#create(key, f.src, charge);
    if (d === null) return null;
    if (d.dead) {
      c.drops["fragment-after-overlap"]++;
      return null;
    }
    // The last fragment fixes the end; everything must agree with it.
    const last = !f.more;
    if ((last && d.end !== -1 && d.end !== end) || (d.end !== -1 && end > d.end)) return this.#kill(d);
    const pieces = d.pieces;
    if (last && length === 0 && d.end === end) {
      c.duplicateFragments++;
      return null;
    }
    if (last && pieces.length > 0 && pieces[pieces.length - 1].end > end) return this.#kill(d);
    // The first piece ending after this one starts: it, or the one before, is where overlaps can be.
    let i = pieces.length;
    while (i > 0 && pieces[i - 1].end > f.offset) i--;
    const next = pieces[i];
    if (next !== undefined && next.offset < end) {
      if (next.offset === f.offset && next.end === end) {
        c.duplicateFragments++;
        return null;
      }
      return this.#kill(d);
    }
    if (this.#bytes + charge > this.#limits.maxBytes) {
      c.drops["fragment-memory"]++;
      return null;
    }
    if (last) d.end = end;
    if (length > 0) pieces.splice(i, 0, { offset: f.offset, end, data: f.data.slice() });
    if (f.offset === 0) {
      const hl = f.header.length;
      const first = new Uint8Array(hl + Math.min(8, length));
      first.set(f.header);
      first.set(f.data.subarray(0, 8), hl);
      d.first = first;
      d.zero = { ...f, header: first.subarray(0, hl), data: first.subarray(hl) };
    }
    d.received += length;
    d.charged += charge;
    this.#bytes += charge;
    if (d.end === -1 || d.received !== d.end || d.zero === null) return null;
    const packet = assemble(d, d.zero, this.#seal);
    this.#remove(d);
    c.datagramsReassembled++;
    return packet;
  }

  /** Forget everything and stop the timer (the stack closes). */
  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#pending.clear();
    this.#perSource.clear();
    this.#bytes = 0;
  }

  #create(key: string, src: number, charge: number): Pending | null {
    const c = this.#counters;
    // Checked here too, so a refused first fragment leaves no empty datagram behind.
    if (this.#bytes + charge > this.#limits.maxBytes) {
      c.drops["fragment-memory"]++;
      return null;
    }
    if (this.#pending.size >= this.#limits.maxDatagrams) {
      c.drops["fragment-datagrams"]++;
      return null;
    }
    const fromSource = this.#perSource.get(src) ?? 0;
    if (fromSource >= this.#limits.maxPerSource) {
      c.drops["fragment-per-source"]++;
      return null;
    }
    const d = new Pending(key, src, this.#clock.now() + this.#limits.timeoutMs);
    this.#pending.set(key, d);
    this.#perSource.set(src, fromSource + 1);
    this.#timer ??= this.#clock.schedule(this.#limits.timeoutMs, this.#expire);
    return d;
  }

  /** RFC 5722 §4, as Linux does for IPv4: an overlap drops the datagram, and its fragments yet to come. */
  #kill(d: Pending): null {
    this.#counters.drops["fragment-overlap"]++;
    this.#bytes -= d.charged;
    d.charged = 0;
    d.pieces.length = 0;
    d.first = null;
    d.zero = null;
    d.dead = true;
    return null;
  }

  #remove(d: Pending): void {
    this.#bytes -= d.charged;
    this.#pending.delete(d.key);
    const n = (this.#perSource.get(d.src) ?? 1) - 1;
    if (n === 0) this.#perSource.delete(d.src);
    else this.#perSource.set(d.src, n);
  }

  readonly #expire = (): void => {
    this.#timer = null;
    const now = this.#clock.now();
    for (const d of this.#pending.values()) {
      if (d.deadline > now) {
        this.#timer = this.#clock.schedule(d.deadline - now, this.#expire);
        return;
      }
      this.#remove(d);
      if (d.dead) continue;
      this.#counters.drops["fragment-timeout"]++;
      // RFC 1122 §3.3.2: time exceeded only when fragment zero arrived (its header is what gets quoted).
      if (d.first !== null && d.zero !== null) this.#timeExceeded(d.first, d.zero);
    }
  };
}

/** The datagram `d` covers: the first fragment's header, no longer a fragment, over all the data in order. */
function assemble(d: Pending, zero: Fragment, seal: (packet: Uint8Array, headerLength: number) => void): Uint8Array {
  const hl = zero.header.length;
  const total = hl + d.end;
  const packet = new Uint8Array(total);
  packet.set(zero.header);
  for (const p of d.pieces) packet.set(p.data, hl + p.offset);
  // IPv4: flags and offset cleared (DF is not set on a fragmented datagram, and MF and the offset are gone).
  seal(packet, hl);
  return packet;
}
