import type { TcpOption, TcpPacket } from "./ast.js";
import { flagBits, formatOption, type Segment, type WireOption } from "./packets.js";

export interface MatchRules {
  /** The actual segment joins several (TSO coalescing): its PSH is Linux's choice for a super-segment. */
  coalesced: boolean;
  /** Compare option lists byte layout and all (packetdrill's rule); otherwise ignore padding and order. */
  strictOptions: boolean;
  /** --tcp_ts_tick_usecs: 0 leaves outbound TS val unchecked, as packetdrill's default does. */
  tsTickUsecs: number;
  /** The time tolerance that applies to this packet, for the TS val check. */
  toleranceUsecs: number;
}

const FIELDS: ReadonlyArray<[string, number]> = [
  ["tcp_syn", 0x02],
  ["tcp_rst", 0x04],
  ["tcp_ack", 0x10],
  ["tcp_urg", 0x20],
  ["tcp_fin", 0x01],
  ["tcp_psh", 0x08],
  ["tcp_ece", 0x40],
  ["tcp_cwr", 0x80],
  ["tcp_ae", 0x100],
];

const field = (name: string, expected: number, actual: number) =>
  expected === actual ? null : `live packet field ${name}: expected: ${expected} vs actual: ${actual}`;

/**
 * The first way `actual` (already mapped into the script's sequence and timestamp space) differs from the
 * script's outbound line, in packetdrill's wording and order of checks; null when it matches.
 */
export function matchSegment(expected: TcpPacket, actual: Segment, rules: MatchRules): string | null {
  const want = flagBits(expected.flags);
  for (const [name, bit] of FIELDS) {
    if (bit === 0x08 && rules.coalesced) continue;
    const m = field(name, want & bit ? 1 : 0, actual.flags & bit ? 1 : 0);
    if (m !== null) return m;
  }
  return (
    field("tcp_seq", expected.seqStart, actual.seq) ??
    (expected.length === actual.payload.length
      ? null
      : `live packet payload: expected ${expected.length} bytes vs actual ${actual.payload.length} bytes`) ??
    field("tcp_ack_seq", expected.ack, actual.ack) ??
    (expected.window === undefined ? null : field("tcp_window", expected.window, actual.window)) ??
    field("tcp_urg_ptr", expected.urgent, actual.urgent) ??
    (expected.options === "any" ? null : matchOptions(expected.options, actual.options, rules)) ??
    (actual.payload.every((b) => b === 0) ? null : "incorrect outbound data payload")
  );
}

function matchOptions(expected: readonly TcpOption[], actual: readonly WireOption[], rules: MatchRules): string | null {
  const list = (o: readonly (TcpOption | WireOption)[]) => `<${o.map(formatOption).join(",")}>`;
  const bad = `bad outbound TCP options: expected ${list(expected)} actual ${list(actual)}`;
  const padding = (o: TcpOption | WireOption) => o.kind === "nop" || o.kind === "eol";
  const want = rules.strictOptions ? [...expected] : expected.filter((o) => !padding(o));
  const have = rules.strictOptions ? [...actual] : actual.filter((o) => !padding(o));
  if (want.length !== have.length) return bad;
  const count = want.length;
  for (let i = 0; i < count; i++) {
    const w = want[i];
    let h: TcpOption | WireOption;
    if (rules.strictOptions) {
      h = have[i];
      if (h.kind !== w.kind) return bad;
    } else {
      // Without strict layout the order is free too: Linux and the engine lay out SYN options differently.
      const j = have.findIndex((o) => o.kind === w.kind);
      if (j < 0) return bad;
      [h] = have.splice(j, 1);
    }
    const m = optionValue(w, h, rules);
    if (m !== null) return m;
  }
  return null;
}

function optionValue(w: TcpOption, h: TcpOption | WireOption, rules: MatchRules): string | null {
  const bad = `bad value in outbound TCP option (${w.kind}): expected: ${formatOption(w)} actual: ${formatOption(h)}`;
  switch (w.kind) {
    case "mss":
    case "wscale":
      return h.kind === w.kind && h.value === w.value ? null : bad;
    case "sack":
      return h.kind === "sack" && JSON.stringify(h.blocks) === JSON.stringify(w.blocks) ? null : bad;
    case "TS": {
      // packetdrill checks TS val only with --tcp_ts_tick_usecs, and TS ecr never.
      if (h.kind !== "TS" || rules.tsTickUsecs === 0) return null;
      const off = Math.abs((h.val - w.val) | 0) * rules.tsTickUsecs;
      return off > rules.toleranceUsecs ? `bad outbound TCP timestamp value, tolerance ${rules.toleranceUsecs}` : null;
    }
    default:
      return null;
  }
}
