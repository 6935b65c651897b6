import type { NeighborConfig } from "../neighbor/config.js";

/** How a host forms the interface identifier of an address (the low 64 bits). */
export type InterfaceIdMode =
  /** RFC 7217: a hash of the prefix, the interface and a secret, the same on every visit to a network. */
  | "stable"
  /** RFC 8981: random identifiers for autoconfigured addresses, with its shorter lifetimes. */
  | "random";

/**
 * Neighbour discovery's constants (RFC 4861 §10, RFC 4862 §5.1, RFC 7217 §6, RFC 8981 §3.8), all times
 * in milliseconds. Routers may change `retransTimer` and `baseReachableTime` (RFC 4861 §6.3.4).
 */
export interface NdpConfig {
  /** MAX_RTR_SOLICITATION_DELAY: the random wait before the first router solicitation (1 s). */
  maxRtrSolicitationDelay: number;
  /** RTR_SOLICITATION_INTERVAL: between router solicitations (4 s). */
  rtrSolicitationInterval: number;
  /** MAX_RTR_SOLICITATIONS: sent at start unless an advertisement answers (3). */
  maxRtrSolicitations: number;
  /** RETRANS_TIMER: between neighbour solicitations, for resolution and DAD alike (1 s). */
  retransTimer: number;
  /** REACHABLE_TIME, the base that ReachableTime randomizes (30 s). */
  baseReachableTime: number;
  /** DELAY_FIRST_PROBE_TIME (5 s). */
  delayFirstProbeTime: number;
  /** MAX_MULTICAST_SOLICIT (3). */
  maxMulticastSolicit: number;
  /** MAX_UNICAST_SOLICIT (3). */
  maxUnicastSolicit: number;
  /** DupAddrDetectTransmits (RFC 4862 §5.1): solicitations per tentative address; 0 turns DAD off (1). */
  dupAddrDetectTransmits: number;
  /** IDGEN_RETRIES (RFC 7217 §6): new identifiers tried after a duplicate before giving up (3). */
  idgenRetries: number;
  /** Form addresses from advertised prefixes (RFC 4862 §5.5.3); routers and on-link prefixes are learned either way (true). */
  autoconf: boolean;
  /** Interface identifiers of autoconfigured addresses; the link-local one is always stable (RFC 8064). */
  interfaceIds: InterfaceIdMode;
  /** TEMP_VALID_LIFETIME (RFC 8981 §3.8): the longest valid lifetime of a random address (2 days). */
  tempValidLifetime: number;
  /** TEMP_PREFERRED_LIFETIME (RFC 8981 §3.8): its longest preferred lifetime (1 day). */
  tempPreferredLifetime: number;
  /** Addresses held at most, link-local included (bounds what advertisements can make us create). */
  maxAddresses: number;
  /** Default routers held at most. */
  maxRouters: number;
  /** On-link prefixes held at most. */
  maxPrefixes: number;
  /** The neighbour cache's bounds; its timers come from the fields above. */
  neighbor: Pick<NeighborConfig, "maxEntries" | "queueLength" | "staleTime" | "requestRate">;
}

const DAY = 24 * 3600 * 1000;

/** The RFCs' values. */
export const defaultNdpConfig: NdpConfig = Object.freeze({
  maxRtrSolicitationDelay: 1000,
  rtrSolicitationInterval: 4000,
  maxRtrSolicitations: 3,
  retransTimer: 1000,
  baseReachableTime: 30_000,
  delayFirstProbeTime: 5000,
  maxMulticastSolicit: 3,
  maxUnicastSolicit: 3,
  dupAddrDetectTransmits: 1,
  idgenRetries: 3,
  autoconf: true,
  interfaceIds: "stable",
  tempValidLifetime: 2 * DAY,
  tempPreferredLifetime: DAY,
  maxAddresses: 16,
  maxRouters: 8,
  maxPrefixes: 16,
  neighbor: Object.freeze({ maxEntries: 256, queueLength: 8, staleTime: 60_000, requestRate: 50 }),
});

/** Counts that must be at least 1; every other number must be at least 0. */
const AT_LEAST_ONE = new Set([
  "maxMulticastSolicit",
  "maxUnicastSolicit",
  "maxAddresses",
  "maxRouters",
  "maxPrefixes",
  "maxEntries",
  "baseReachableTime",
  "retransTimer",
]);

/** What a caller may set: any field, and any of the neighbour cache's bounds. */
export type NdpOptions = Partial<Omit<NdpConfig, "neighbor">> & { neighbor?: Partial<NdpConfig["neighbor"]> };

/** Options over the defaults, checked: a RangeError names the first bad one. */
export function ndpConfig(options: NdpOptions = {}): NdpConfig {
  const config: NdpConfig = {
    ...defaultNdpConfig,
    ...options,
    neighbor: { ...defaultNdpConfig.neighbor, ...options.neighbor },
  };
  if (typeof config.autoconf !== "boolean") throw new RangeError("neighbour discovery: autoconf must be a boolean");
  if (config.interfaceIds !== "stable" && config.interfaceIds !== "random")
    throw new RangeError(`neighbour discovery: interfaceIds must be "stable" or "random"`);
  const numbers = { ...config, ...config.neighbor } as Record<string, unknown>;
  for (const [name, value] of Object.entries(numbers)) {
    if (name === "interfaceIds" || name === "neighbor" || name === "autoconf") continue;
    const least = AT_LEAST_ONE.has(name) ? 1 : 0;
    if (typeof value !== "number" || !Number.isFinite(value) || value < least)
      throw new RangeError(`neighbour discovery: ${name} must be a finite number >= ${least}`);
  }
  return config;
}
