import { NDP_DROP_REASONS, type NdpDropReason } from "../wire/ndp-message.js";

/** What neighbour discovery did, one counter each (the neighbour cache keeps its own). */
export interface NdpCounters {
  /** Messages dropped by the checks of RFC 4861 §6.1 and §7.1, by reason. */
  drops: Record<NdpDropReason, number>;
  routerSolicitationsOut: number;
  /** Router solicitations from other hosts: a host does not answer them (RFC 4861 §6.2.6 is a router's). */
  routerSolicitationsIgnored: number;
  routerAdvertisementsIn: number;
  neighborSolicitationsIn: number;
  neighborAdvertisementsIn: number;
  neighborAdvertisementsOut: number;
  /** Redirects (RFC 4861 §8): valid ones are counted and not acted on. */
  redirectsIgnored: number;
  /** Solicitations for a target that is not ours. */
  notForUs: number;
  /** Address resolution for one of our tentative addresses: ignored (RFC 4862 §5.4.3). */
  tentativeTargetIgnored: number;
  /** DAD solicitations sent (RFC 4862 §5.4.2). */
  dadSolicitationsOut: number;
  /** Tentative addresses found in use elsewhere (RFC 4862 §5.4.3, §5.4.4). */
  dadConflicts: number;
  /** Duplicates after which no new identifier was tried (RFC 7217 §6 IDGEN_RETRIES spent). */
  dadFailures: number;
  /** Advertisements from another node for an address we hold (RFC 4862 §5.4.4: counted, not defended). */
  addressConflicts: number;
  /** Prefix options SLAAC ignored (RFC 4862 §5.5.3 a-d: preferred over valid, not /64, link-local). */
  prefixesIgnored: number;
  /** MTU options outside [1280, the link's MTU] (RFC 4861 §6.3.4). */
  mtuIgnored: number;
  /** Addresses, routers or prefixes not added because their table was full. */
  tableFull: number;
  /** Neighbour solicitations not sent because no address was ours yet to send them from. */
  noSourceAddress: number;
}

/** Every counter at zero. */
export function newNdpCounters(): NdpCounters {
  const drops = {} as Record<NdpDropReason, number>;
  for (const r of NDP_DROP_REASONS) drops[r] = 0;
  return {
    drops,
    routerSolicitationsOut: 0,
    routerSolicitationsIgnored: 0,
    routerAdvertisementsIn: 0,
    neighborSolicitationsIn: 0,
    neighborAdvertisementsIn: 0,
    neighborAdvertisementsOut: 0,
    redirectsIgnored: 0,
    notForUs: 0,
    tentativeTargetIgnored: 0,
    dadSolicitationsOut: 0,
    dadConflicts: 0,
    dadFailures: 0,
    addressConflicts: 0,
    prefixesIgnored: 0,
    mtuIgnored: 0,
    tableFull: 0,
    noSourceAddress: 0,
  };
}
