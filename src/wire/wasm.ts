// Instantiates the wire core synchronously from inlined bytes: no fs, no fetch, no `await init()`, so the
// same module loads in Node, bundlers and browsers. The module is about 5 KiB; test/wire/browser.test.ts
// checks that Chromium compiles it synchronously on the main thread.
import { RECORD_SLOTS } from "./layout.generated.js";
import { WASM_BASE64 } from "./wasm-bytes.generated.js";
import { ON_NODE } from "./platform.js";

export interface WireExports {
  memory: WebAssembly.Memory;
  onesSum(ptr: number, len: number, initial: number): number;
  pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number;
  checksumUpdate(checksum: number, oldField: number, newField: number): number;
  parsePacket(ptr: number, len: number): number;
  optionsLength(): number;
  buildPacket(payloadPtr: number, payloadLen: number, src: number): number;
  parseDatagram(ptr: number, len: number): number;
  parseTransport(ptr: number, len: number, protocol: number, src: number, dst: number): number;
  buildIpv4Header(ip: number, protocol: number, totalLength: number): void;
  buildUdp(payloadPtr: number, payloadLen: number): number;
  buildIcmp(payloadPtr: number, payloadLen: number): number;
  parseEthernet(ptr: number, len: number): number;
  buildEthernet(ptr: number): void;
  parseArp(ptr: number, len: number): number;
  buildArp(ptr: number): void;
  parseIpv6(ptr: number, len: number): number;
  buildTcp6(payloadPtr: number, payloadLen: number, src: number): number;
  buildUdp6(payloadPtr: number, payloadLen: number): number;
  buildIcmp6(payloadPtr: number, payloadLen: number): number;
  buildFragment6(ip: number, next: number, dataLength: number): void;
  recordPtr(): number;
  scratchPtr(): number;
  freePtr(): number;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(WASM_BASE64)), {});
export const wasm = instance.exports as unknown as WireExports;

/** The scratch area: one packet of up to MAX_PACKET bytes after HEADROOM (assembly/layout.ts). */
export const SCRATCH = wasm.scratchPtr();

/** 256 KiB no export touches, for callers that keep their own packets in linear memory (tests, benchmarks). */
export const FREE = wasm.freePtr();
const FREE_SIZE = 256 << 10;

/**
 * The packet arena (packet-arena.ts): fixed slots where the stack builds outgoing packets, so a packet is
 * born, carried and parsed in linear memory. Pages no slot has touched cost no resident memory.
 */
export const ARENA = FREE + FREE_SIZE;
export const ARENA_SLOT = 2048;
/**
 * Small slots reserved: 1,000 busy connections over an in-process link keep up to their 64 KiB windows in
 * flight, 45,000 packets, and with 16,384 slots 38,000 of the 92,000 packets of the scale suite's 128 MiB
 * fell back to slabs of their own. Node reserves 128 MiB; a browser tab, which shares its process with the
 * page, the 32 MiB it always had. The reservation is made here, once: growing linear memory later would
 * detach every view of it, packets in flight included, so the arena grows within it instead (a chunk of
 * slots at a time, packet-arena.ts), and pages no slot has touched cost no resident memory.
 */
export const ARENA_SLOTS = ON_NODE ? 65536 : 16384;
/** Small slots the arena starts with, and grows by when all are taken: 2 MiB. */
export const ARENA_CHUNK = 1024;
/** Jumbo slots after the small ones: HEADROOM plus the largest TCP payload of an IPv4 packet, rounded up. */
export const ARENA_LARGE = ARENA + ARENA_SLOT * ARENA_SLOTS;
export const ARENA_LARGE_SLOT = 66 << 10;
export const ARENA_LARGE_SLOTS = 32;

/**
 * Send rings in linear memory (ring-arena.ts), after the packet arena: a segment's payload is copied from
 * there into its packet by the build, in the checksum's pass. Under Node the region is sized for one stack's
 * default memory budget (256 MiB, memory-budget.ts), which its send rings share with its receive rings: at
 * most 128 MiB of send rings, in blocks rounded up to powers of two, so 512 MiB of address space. With the
 * 16 MiB it had, each of 1,000 bulk connections (the scale suite, 128 MiB in all) took its full-size ring
 * as a fresh array (a calloc and page faults each, a copy into the packet before the checksum reads it
 * again, external-memory pressure on the GC that the next run paid for too), and 85 of 100 connections
 * theirs; the scale suite ran 22-28% faster at every count with the larger region. The cost: pages a ring
 * once touched stay resident, as linear memory never shrinks, and blocks are split but never merged
 * (`ringArenaCounters().touched` says how far the region was carved: 265 MB after a 100- and a
 * 1,000-connection run, RSS 367 MiB against 335 with 16 MiB). A browser tab, which shares its
 * process with the page, reserves 4 MiB. Past the region, rings are arrays of their own, counted.
 */
export const RINGS = ARENA_LARGE + ARENA_LARGE_SLOT * ARENA_LARGE_SLOTS;
export const RINGS_SIZE = (ON_NODE ? 512 : 4) << 20;

// Grow once, before any view exists: nothing grows memory afterwards, so these views never detach.
{
  const need = RINGS + RINGS_SIZE;
  const have = wasm.memory.buffer.byteLength;
  if (need > have) wasm.memory.grow(Math.ceil((need - have) / 65536));
}

/** Linear memory's buffer, fixed for good (read once: the Memory's getter costs more than a comparison). */
const memoryBuffer = wasm.memory.buffer;
// Annotated (mem8, record): inferred generic typed arrays would reach the .d.ts, which TypeScript < 5.7 rejects.
export const mem8: Uint8Array = new Uint8Array(memoryBuffer);
/** The record: parse results below slot B_BASE, build parameters from it (assembly/layout.ts). */
export const record: Uint32Array = new Uint32Array(memoryBuffer, wasm.recordPtr(), RECORD_SLOTS);

/** True when `bytes` already lives in linear memory, so calls can work on it in place. */
export function inWasm(bytes: Uint8Array): boolean {
  return bytes.buffer === memoryBuffer;
}

/**
 * A view of linear memory that knows its own address. On Node 20's V8 a typed array's `buffer` and
 * `byteOffset` getters cost 10-20 ns each, more than parsing a packet's headers; a packet the arena hands
 * out as a LinearView is recognised and located by `instanceof` and a field (about 2 ns). Views derived
 * from it (`subarray`, `slice`) are plain Uint8Arrays: the species is reset so they need no address.
 */
export class LinearView extends Uint8Array<ArrayBuffer> {
  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }

  /** Where the view starts in linear memory. */
  readonly address: number;
  /** The view `subview` last made of this one, where it starts and its length (see `subview`). */
  sub: Uint8Array | null = null;
  subStart = -1;
  subLength = -1;

  constructor(address: number, length: number) {
    super(memoryBuffer, address, length);
    this.address = address;
  }
}

/**
 * The `length` bytes of `bytes` from `start`, as a plain view (no copy): for a LinearView made from its
 * address, without the `buffer`/`byteOffset` getters (60 ns against 23 ns on Node 20). The arena gives a
 * slot's packets of the same bounds one view (build.ts), so a flow's payloads have the same bounds too: the
 * view made last is handed out again, and a data segment costs no payload view. Both views are only as
 * alive as the slot's packet, so sharing the second is as safe as sharing the first.
 */
export function subview(bytes: Uint8Array, start: number, length: number): Uint8Array {
  if (bytes instanceof LinearView) {
    const sub = bytes.sub;
    if (sub !== null && bytes.subStart === start && bytes.subLength === length) return sub;
    bytes.subStart = start;
    bytes.subLength = length;
    return (bytes.sub = new Uint8Array(memoryBuffer, bytes.address + start, length));
  }
  return bytes.subarray(start, start + length);
}

/** Where `bytes` starts in linear memory, or -1 when it lives elsewhere. */
export function addressOf(bytes: Uint8Array): number {
  if (bytes instanceof LinearView) return bytes.address;
  return inWasm(bytes) ? bytes.byteOffset : -1;
}
