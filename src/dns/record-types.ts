import { DnsType, type DnsRecordData } from "../wire/dns-types.js";

/**
 * The address record types `resolve` asks for, and how to read an address out of each one's rdata.
 * Nothing else in the resolver names a type.
 */
export const ADDRESS_TYPES = {
  A: { code: DnsType.A, address: (d: DnsRecordData) => (d.kind === "A" ? d.address : null) },
  /** RFC 3596: IPv6 addresses, in RFC 5952 text. */
  AAAA: { code: DnsType.AAAA, address: (d: DnsRecordData) => (d.kind === "AAAA" ? d.address : null) },
} as const;

/** Which address records to ask for ("A" or "AAAA"). */
export type AddressType = keyof typeof ADDRESS_TYPES;
