import type { ParsedRecord } from "../wire/record.js";

/**
 * A protocol above IPv4 (TCP today; UDP and ICMP beside it later), as the stack dispatches to it: one
 * instance per stack, chosen by the IPv4 protocol field. Adding one is a line in `IpStack`'s table.
 */
export interface TransportProtocol {
  /** The IPv4 protocol number it takes (IANA "Assigned Internet Protocol Numbers": TCP 6). */
  readonly protocol: number;
  /** One packet for our address, parsed and checked; `packet` holds its bytes. Neither is kept. */
  arrives(r: ParsedRecord, packet: Uint8Array): void;
  /** The stack closes: end everything (a protocol may still send through the stack during this call). */
  close(): void;
}
