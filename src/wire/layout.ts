// Record slot numbers; must match assembly/layout.ts.
export const R_STATUS = 0;
export const R_IHL = 1;
export const R_TOS = 2;
export const R_TOTAL_LENGTH = 3;
export const R_ID = 4;
export const R_FRAG = 5;
export const R_TTL = 6;
export const R_PROTOCOL = 7;
export const R_IP_CHECKSUM = 8;
export const R_SRC = 9;
export const R_DST = 10;
export const R_SRC_PORT = 11;
export const R_DST_PORT = 12;
export const R_SEQ = 13;
export const R_ACK = 14;
export const R_DATA_OFFSET = 15;
export const R_FLAGS = 16;
export const R_WINDOW = 17;
export const R_TCP_CHECKSUM = 18;
export const R_URGENT = 19;
export const R_OPT_MASK = 20;
export const R_MSS = 21;
export const R_WSCALE = 22;
export const R_TSVAL = 23;
export const R_TSECR = 24;
export const R_SACK_COUNT = 25;
export const R_SACK = 26;
export const R_PAYLOAD_OFFSET = 34;
export const R_PAYLOAD_LENGTH = 35;
/** Build parameters use the same slot order, shifted by this much. */
export const B_BASE = 64;

/** Bits of `ParsedRecord.options` (and of the build parameter mask). */
export const OptionBits = {
  MSS: 1,
  WINDOW_SCALE: 2,
  SACK_PERMITTED: 4,
  TIMESTAMPS: 8,
  SACK: 16,
} as const;

/** Status codes of the WASM parser, in code order (assembly/layout.ts E_*); 0 is success. */
export const REASONS = [
  undefined,
  "truncated-ip-header",
  "bad-ip-version",
  "bad-ihl",
  "bad-total-length",
  "bad-ip-checksum",
  "fragment",
  "not-tcp",
  "truncated-tcp-header",
  "bad-data-offset",
  "bad-tcp-checksum",
  "bad-option-length",
  "bad-option-value",
] as const;
