import type { WirestateError } from "../errors/wirestate-error.js";
import {
  HostUnreachableError,
  NetworkUnreachableError,
  PortUnreachableError,
  ProtocolUnreachableError,
} from "../errors/unreachable.js";
import type { IcmpErrorKind } from "../wire/icmp-errors.js";
import { DatagramTooLargeError } from "./errors.js";

/** The typed error a connected socket's next call raises for an ICMP error about what it sent (Linux's errno). */
export function errorForIcmp(kind: IcmpErrorKind, peer: string): WirestateError {
  switch (kind) {
    case "port-unreachable":
      return new PortUnreachableError(`port unreachable (ICMP): nothing listens on UDP ${peer}`);
    case "protocol-unreachable":
      return new ProtocolUnreachableError(`protocol unreachable (ICMP): ${peer} does not speak UDP`);
    case "network-unreachable":
      return new NetworkUnreachableError(`network unreachable (ICMP): ${peer}`);
    case "fragmentation-needed":
      return new DatagramTooLargeError(`fragmentation needed (ICMP) on the path to ${peer}`);
    case "host-unreachable":
    case "source-route-failed":
    case "time-exceeded":
    case "parameter-problem":
      return new HostUnreachableError(`${kind} (ICMP): ${peer}`);
  }
}
