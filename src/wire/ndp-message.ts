/**
 * Neighbour discovery messages (RFC 4861 §4) and their options (§4.6), as ICMPv6 message bodies: the
 * bytes after the 4-byte ICMPv6 header (type, code, checksum). The IPv6 layer checks the checksum and
 * owns the IPv6 header; the validity checks of §6.1 and §7.1 that read it take its hop limit, source and
 * destination as arguments. One repr per message, parsed and built by this file. Pure TS: these are a
 * few messages a minute, not the segment path.
 */
import { readU32 } from "./big-endian.js";
import { Icmpv6Type } from "./icmpv6.js";
import { type Ipv6Address, ipv6Equal } from "./ipv6-address.js";
import { isIpv6LinkLocal, isIpv6Multicast, isIpv6Unspecified, isSolicitedNodeAddress } from "./ipv6-multicast.js";
import { type MacAddress, macFromParts, macHigh, macLow } from "./mac-address.js";

/** Option types of RFC 4861 §4.6. */
const Option = { SOURCE_LL: 1, TARGET_LL: 2, PREFIX: 3, REDIRECTED: 4, MTU: 5 } as const;

/** A lifetime of all ones: infinity (RFC 4861 §4.6.2). */
export const INFINITE_LIFETIME = 0xffff_ffff;

/** A Prefix Information option (RFC 4861 §4.6.2); lifetimes in seconds. */
export interface PrefixInformation {
  prefixLength: number;
  /** L: the prefix is on-link. */
  onLink: boolean;
  /** A: the prefix may be used for stateless address autoconfiguration (RFC 4862). */
  autonomous: boolean;
  validLifetime: number;
  preferredLifetime: number;
  prefix: Ipv6Address;
}

/** Router Solicitation (RFC 4861 §4.1). */
export interface RouterSolicitation {
  kind: "router-solicitation";
  sourceLinkLayer: MacAddress | null;
}

/** Router Advertisement (RFC 4861 §4.2) with the options a host uses; times in the units the wire carries. */
export interface RouterAdvertisement {
  kind: "router-advertisement";
  /** 0: unspecified by this router. */
  curHopLimit: number;
  /** M: addresses are available by DHCPv6. */
  managed: boolean;
  /** O: other configuration is available by DHCPv6. */
  other: boolean;
  /** Seconds; 0: not a default router. */
  routerLifetime: number;
  /** Milliseconds; 0: unspecified. */
  reachableTime: number;
  /** Milliseconds; 0: unspecified. */
  retransTimer: number;
  sourceLinkLayer: MacAddress | null;
  /** The MTU option (§4.6.4), or null. */
  mtu: number | null;
  prefixes: PrefixInformation[];
}

/** Neighbor Solicitation (RFC 4861 §4.3). */
export interface NeighborSolicitation {
  kind: "neighbor-solicitation";
  target: Ipv6Address;
  sourceLinkLayer: MacAddress | null;
}

/** Neighbor Advertisement (RFC 4861 §4.4). */
export interface NeighborAdvertisement {
  kind: "neighbor-advertisement";
  /** R: the sender is a router. */
  router: boolean;
  /** S: sent in response to a solicitation. */
  solicited: boolean;
  /** O: override an existing cache entry. */
  override: boolean;
  target: Ipv6Address;
  targetLinkLayer: MacAddress | null;
}

/** Redirect (RFC 4861 §4.5); its Redirected Header option is skipped. */
export interface Redirect {
  kind: "redirect";
  target: Ipv6Address;
  destination: Ipv6Address;
  targetLinkLayer: MacAddress | null;
}

/** Any neighbour discovery message. */
export type NdpMessage =
  | RouterSolicitation
  | RouterAdvertisement
  | NeighborSolicitation
  | NeighborAdvertisement
  | Redirect;

/** Why a message was dropped by the checks of RFC 4861 §6.1 and §7.1 (and §8.1 for redirects). */
export type NdpDropReason =
  | "not-ndp" // an ICMPv6 type outside 133..137
  | "bad-hop-limit" // not 255: the message crossed a router (§6.1.1 and the others)
  | "bad-code" // not 0
  | "truncated" // shorter than its fixed part
  | "bad-option-length" // an option of length 0, past the end, or a known option of the wrong size
  | "bad-link-layer-option" // a link-layer address option that is not one 6-byte Ethernet address
  | "bad-source" // RA or redirect not from a link-local address (§6.1.2, §8.1)
  | "multicast-target" // NS, NA or redirect destination that is multicast (§7.1.1, §7.1.2, §8.1)
  | "bad-redirect-target" // redirect target neither link-local nor the destination (§8.1)
  | "unspecified-source-option" // source :: with a source link-layer option (§6.1.1, §7.1.1)
  | "unspecified-source-destination" // NS from :: not to a solicited-node group (§7.1.1)
  | "solicited-to-multicast"; // NA to a multicast destination with S set (§7.1.2)

/** Every drop reason, for counter tables. */
export const NDP_DROP_REASONS: readonly NdpDropReason[] = [
  "not-ndp",
  "bad-hop-limit",
  "bad-code",
  "truncated",
  "bad-option-length",
  "bad-link-layer-option",
  "bad-source",
  "multicast-target",
  "bad-redirect-target",
  "unspecified-source-option",
  "unspecified-source-destination",
  "solicited-to-multicast",
];

/** The IPv6 header fields the checks need. */
export interface NdpIpFields {
  source: Ipv6Address;
  destination: Ipv6Address;
  hopLimit: number;
}

/** Fixed part of each body after the 4-byte ICMPv6 header (RFC 4861 §4: ICMP length minus 4). */
const FIXED: Record<number, number> = { 133: 4, 134: 12, 135: 20, 136: 20, 137: 36 };

interface Options {
  sourceLinkLayer: MacAddress | null;
  targetLinkLayer: MacAddress | null;
  mtu: number | null;
  prefixes: PrefixInformation[];
}

/**
 * Walks the options from `at` (RFC 4861 §4.6). Unknown options are skipped (§4.6: "silently ignore"); a
 * repeated link-layer or MTU option keeps the first, as Linux's ndisc_parse_options does.
 */
function parseOptions(body: Uint8Array, at: number): Options | NdpDropReason {
  const o: Options = { sourceLinkLayer: null, targetLinkLayer: null, mtu: null, prefixes: [] };
  while (at < body.length) {
    if (body.length - at < 2) return "bad-option-length";
    const type = body[at];
    const length = body[at + 1] * 8;
    if (length === 0 || at + length > body.length) return "bad-option-length";
    switch (type) {
      case Option.SOURCE_LL:
      case Option.TARGET_LL: {
        // RFC 2464 §6: over Ethernet the option is one 8-byte unit holding the 6-byte MAC.
        if (length !== 8) return "bad-link-layer-option";
        const mac = macFromParts((body[at + 2] << 8) | body[at + 3], readU32(body, at + 4));
        if (type === Option.SOURCE_LL) o.sourceLinkLayer ??= mac;
        else o.targetLinkLayer ??= mac;
        break;
      }
      case Option.PREFIX:
        if (length !== 32) return "bad-option-length";
        o.prefixes.push({
          prefixLength: body[at + 2],
          onLink: (body[at + 3] & 0x80) !== 0,
          autonomous: (body[at + 3] & 0x40) !== 0,
          validLifetime: readU32(body, at + 4),
          preferredLifetime: readU32(body, at + 8),
          prefix: body.slice(at + 16, at + 32),
        });
        break;
      case Option.MTU:
        if (length !== 8) return "bad-option-length";
        o.mtu ??= readU32(body, at + 4);
        break;
    }
    at += length;
  }
  return o;
}

/**
 * Parses and validates one neighbour discovery message: `icmpType` and `code` from the ICMPv6 header,
 * `body` the bytes after it, `ip` from the IPv6 header. Returns the message, or why it must be dropped.
 * Never throws; reads only inside `body`; the returned addresses are copies.
 */
export function parseNdpMessage(
  icmpType: number,
  code: number,
  body: Uint8Array,
  ip: NdpIpFields,
): NdpMessage | NdpDropReason {
  const fixed = FIXED[icmpType];
  if (fixed === undefined) return "not-ndp";
  if (ip.hopLimit !== 255) return "bad-hop-limit";
  if (code !== 0) return "bad-code";
  if (body.length < fixed) return "truncated";
  const options = parseOptions(body, fixed);
  if (typeof options === "string") return options;
  const unspecifiedSource = isIpv6Unspecified(ip.source);
  switch (icmpType) {
    case Icmpv6Type.ROUTER_SOLICITATION:
      if (unspecifiedSource && options.sourceLinkLayer !== null) return "unspecified-source-option";
      return { kind: "router-solicitation", sourceLinkLayer: options.sourceLinkLayer };
    case Icmpv6Type.ROUTER_ADVERTISEMENT:
      if (!isIpv6LinkLocal(ip.source)) return "bad-source";
      return {
        kind: "router-advertisement",
        curHopLimit: body[0],
        managed: (body[1] & 0x80) !== 0,
        other: (body[1] & 0x40) !== 0,
        routerLifetime: (body[2] << 8) | body[3],
        reachableTime: readU32(body, 4),
        retransTimer: readU32(body, 8),
        sourceLinkLayer: options.sourceLinkLayer,
        mtu: options.mtu,
        prefixes: options.prefixes,
      };
    case Icmpv6Type.NEIGHBOR_SOLICITATION: {
      const target = body.slice(4, 20);
      if (isIpv6Multicast(target)) return "multicast-target";
      if (unspecifiedSource) {
        if (!isSolicitedNodeAddress(ip.destination)) return "unspecified-source-destination";
        if (options.sourceLinkLayer !== null) return "unspecified-source-option";
      }
      return { kind: "neighbor-solicitation", target, sourceLinkLayer: options.sourceLinkLayer };
    }
    case Icmpv6Type.NEIGHBOR_ADVERTISEMENT: {
      const target = body.slice(4, 20);
      if (isIpv6Multicast(target)) return "multicast-target";
      const solicited = (body[0] & 0x40) !== 0;
      if (solicited && isIpv6Multicast(ip.destination)) return "solicited-to-multicast";
      return {
        kind: "neighbor-advertisement",
        router: (body[0] & 0x80) !== 0,
        solicited,
        override: (body[0] & 0x20) !== 0,
        target,
        targetLinkLayer: options.targetLinkLayer,
      };
    }
    default: {
      // Redirect, §8.1.
      if (!isIpv6LinkLocal(ip.source)) return "bad-source";
      const target = body.slice(4, 20);
      const destination = body.slice(20, 36);
      if (isIpv6Multicast(destination)) return "multicast-target";
      if (!isIpv6LinkLocal(target) && !ipv6Equal(target, destination)) return "bad-redirect-target";
      return { kind: "redirect", target, destination, targetLinkLayer: options.targetLinkLayer };
    }
  }
}

/** An ICMPv6 message for the IPv6 layer to send: its type, code and body (the layer adds the checksum). */
export interface NdpOutgoing {
  icmpType: number;
  code: number;
  body: Uint8Array;
}

function linkLayerOption(type: number, mac: MacAddress | null): number[] {
  if (mac === null) return [];
  const high = macHigh(mac);
  const low = macLow(mac);
  return [type, 1, high >>> 8, high & 0xff, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
}

const be32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

function prefixOption(p: PrefixInformation): number[] {
  const flags = (p.onLink ? 0x80 : 0) | (p.autonomous ? 0x40 : 0);
  return [
    Option.PREFIX,
    4,
    p.prefixLength,
    flags,
    ...be32(p.validLifetime),
    ...be32(p.preferredLifetime),
    0,
    0,
    0,
    0,
    ...p.prefix,
  ];
}

/** Builds `m`'s body, the inverse of `parseNdpMessage` (fields that do not fit their width are truncated). */
export function buildNdpMessage(m: NdpMessage): NdpOutgoing {
  let type: number;
  let bytes: number[];
  switch (m.kind) {
    case "router-solicitation":
      type = Icmpv6Type.ROUTER_SOLICITATION;
      bytes = [0, 0, 0, 0, ...linkLayerOption(Option.SOURCE_LL, m.sourceLinkLayer)];
      break;
    case "router-advertisement": {
      type = Icmpv6Type.ROUTER_ADVERTISEMENT;
      const flags = (m.managed ? 0x80 : 0) | (m.other ? 0x40 : 0);
      bytes = [
        m.curHopLimit & 0xff,
        flags,
        (m.routerLifetime >>> 8) & 0xff,
        m.routerLifetime & 0xff,
        ...be32(m.reachableTime),
        ...be32(m.retransTimer),
        ...linkLayerOption(Option.SOURCE_LL, m.sourceLinkLayer),
        ...(m.mtu === null ? [] : [Option.MTU, 1, 0, 0, ...be32(m.mtu)]),
        ...m.prefixes.flatMap(prefixOption),
      ];
      break;
    }
    case "neighbor-solicitation":
      type = Icmpv6Type.NEIGHBOR_SOLICITATION;
      bytes = [0, 0, 0, 0, ...m.target, ...linkLayerOption(Option.SOURCE_LL, m.sourceLinkLayer)];
      break;
    case "neighbor-advertisement": {
      type = Icmpv6Type.NEIGHBOR_ADVERTISEMENT;
      const flags = (m.router ? 0x80 : 0) | (m.solicited ? 0x40 : 0) | (m.override ? 0x20 : 0);
      bytes = [flags, 0, 0, 0, ...m.target, ...linkLayerOption(Option.TARGET_LL, m.targetLinkLayer)];
      break;
    }
    case "redirect":
      type = Icmpv6Type.REDIRECT;
      bytes = [0, 0, 0, 0, ...m.target, ...m.destination, ...linkLayerOption(Option.TARGET_LL, m.targetLinkLayer)];
      break;
  }
  return { icmpType: type, code: 0, body: Uint8Array.from(bytes) };
}
