import { DnsType, type DnsRecordData } from "../wire/dns-types.js";

/**
 * The address record types `resolve` asks for, and how to read an address out of each one's rdata.
 * IPv6 adds `AAAA: { code: DnsType.AAAA, address: ... }` here and a case in the wire parser;
 * nothing else in the resolver names a type.
 */
export const ADDRESS_TYPES = {
  A: { code: DnsType.A, address: (d: DnsRecordData) => (d.kind === "A" ? d.address : null) },
} as const;

/** Which address records to ask for ("A"). */
export type AddressType = keyof typeof ADDRESS_TYPES;
