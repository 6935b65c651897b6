// Fixed regions of linear memory shared with src/wire/wasm.ts. The module never allocates (runtime stub),
// so these addresses are stable and the TS views over them never detach.

/** The record: parse results (slots 0..63) and build parameters (slots 64..127), as 32-bit slots. */
export const RECORD_SLOTS: i32 = 128;

/** Bytes reserved for the packet scratch area: one maximal IPv4 packet plus build headroom. */
export const SCRATCH_SIZE: i32 = 65536 + 256;

@inline export function recordBase(): usize {
  return (__heap_base + 63) & ~(63 as usize);
}

@inline export function scratchBase(): usize {
  return recordBase() + ((RECORD_SLOTS as usize) << 2);
}

/** Start of the free area callers may use for their own packets (benchmarks, zero-copy parsing). */
@inline export function freeBase(): usize {
  return (scratchBase() + (SCRATCH_SIZE as usize) + 63) & ~(63 as usize);
}

// Parse record slots.
export const R_STATUS: i32 = 0;
export const R_IHL: i32 = 1;
export const R_TOS: i32 = 2;
export const R_TOTAL_LENGTH: i32 = 3;
export const R_ID: i32 = 4;
export const R_FRAG: i32 = 5;
export const R_TTL: i32 = 6;
export const R_PROTOCOL: i32 = 7;
export const R_IP_CHECKSUM: i32 = 8;
export const R_SRC: i32 = 9;
export const R_DST: i32 = 10;
export const R_SRC_PORT: i32 = 11;
export const R_DST_PORT: i32 = 12;
export const R_SEQ: i32 = 13;
export const R_ACK: i32 = 14;
export const R_DATA_OFFSET: i32 = 15;
export const R_FLAGS: i32 = 16;
export const R_WINDOW: i32 = 17;
export const R_TCP_CHECKSUM: i32 = 18;
export const R_URGENT: i32 = 19;
export const R_OPT_MASK: i32 = 20;
export const R_MSS: i32 = 21;
export const R_WSCALE: i32 = 22;
export const R_TSVAL: i32 = 23;
export const R_TSECR: i32 = 24;
export const R_SACK_COUNT: i32 = 25;
export const R_SACK: i32 = 26; // 8 slots: left0, right0, ... left3, right3
export const R_PAYLOAD_OFFSET: i32 = 34;
export const R_PAYLOAD_LENGTH: i32 = 35;

// Build parameter slots (options reuse the parse slot order, shifted by B_BASE).
export const B_BASE: i32 = 64;
export const B_SRC: i32 = B_BASE + R_SRC;
export const B_DST: i32 = B_BASE + R_DST;
export const B_TTL: i32 = B_BASE + R_TTL;
export const B_ID: i32 = B_BASE + R_ID;
export const B_TOS: i32 = B_BASE + R_TOS;
export const B_FRAG: i32 = B_BASE + R_FRAG;
export const B_SRC_PORT: i32 = B_BASE + R_SRC_PORT;
export const B_DST_PORT: i32 = B_BASE + R_DST_PORT;
export const B_SEQ: i32 = B_BASE + R_SEQ;
export const B_ACK: i32 = B_BASE + R_ACK;
export const B_FLAGS: i32 = B_BASE + R_FLAGS;
export const B_WINDOW: i32 = B_BASE + R_WINDOW;
export const B_URGENT: i32 = B_BASE + R_URGENT;
export const B_OPT_MASK: i32 = B_BASE + R_OPT_MASK;
export const B_MSS: i32 = B_BASE + R_MSS;
export const B_WSCALE: i32 = B_BASE + R_WSCALE;
export const B_TSVAL: i32 = B_BASE + R_TSVAL;
export const B_TSECR: i32 = B_BASE + R_TSECR;
export const B_SACK_COUNT: i32 = B_BASE + R_SACK_COUNT;
export const B_SACK: i32 = B_BASE + R_SACK;

// Option presence bits (R_OPT_MASK / B_OPT_MASK).
export const OPT_MSS: i32 = 1;
export const OPT_WSCALE: i32 = 2;
export const OPT_SACK_PERMITTED: i32 = 4;
export const OPT_TIMESTAMPS: i32 = 8;
export const OPT_SACK: i32 = 16;

// Parse status codes; src/wire/reasons.ts maps them to ParseErrorReason strings in this order.
export const OK: i32 = 0;
export const E_TRUNCATED_IP_HEADER: i32 = 1;
export const E_BAD_IP_VERSION: i32 = 2;
export const E_BAD_IHL: i32 = 3;
export const E_BAD_TOTAL_LENGTH: i32 = 4;
export const E_BAD_IP_CHECKSUM: i32 = 5;
export const E_FRAGMENT: i32 = 6;
export const E_NOT_TCP: i32 = 7;
export const E_TRUNCATED_TCP_HEADER: i32 = 8;
export const E_BAD_DATA_OFFSET: i32 = 9;
export const E_BAD_TCP_CHECKSUM: i32 = 10;
export const E_BAD_OPTION_LENGTH: i32 = 11;
export const E_BAD_OPTION_VALUE: i32 = 12;

@inline export function slotPtr(slot: i32): usize {
  return recordBase() + ((slot as usize) << 2);
}

@inline export function getSlot(slot: i32): u32 {
  return load<u32>(slotPtr(slot));
}

@inline export function setSlot(slot: i32, v: u32): void {
  store<u32>(slotPtr(slot), v);
}
