import { WirestateError } from "../errors/wirestate-error.js";

/**
 * Base of the resolver's errors; `hostname` is the name that was asked for, as the caller wrote it.
 * Codes are `WS_` ones: Node's dns module has codes for these situations (ENOTFOUND, ESERVFAIL,
 * ETIMEOUT), but they are c-ares and getaddrinfo codes, not errnos, which the project's scheme takes.
 */
export class DnsError extends WirestateError {
  static override readonly code: string = "WS_DNS";
  readonly hostname: string;

  constructor(hostname: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.hostname = hostname;
  }
}

/** The name is not a host name by RFC 1123 section 2.1 (and RFC 3696 section 2: no all-numeric TLD). */
export class InvalidHostnameError extends DnsError {
  static override readonly code = "WS_INVALID_HOSTNAME";
}

/** NXDOMAIN (RCODE 3): the name, or the end of its CNAME chain, does not exist. */
export class NameNotFoundError extends DnsError {
  static override readonly code = "WS_NAME_NOT_FOUND";
}

/** NOERROR with no record of the type asked for ("NODATA", RFC 2308 section 2.2): the name exists. */
export class NoRecordsError extends DnsError {
  static override readonly code = "WS_NO_RECORDS";
}

/**
 * Every server failed: SERVFAIL, REFUSED, NOTIMP or FORMERR (`rcode`, the last one seen), or the TCP
 * exchange broke (`cause`), and none timed out last.
 */
export class ServerFailureError extends DnsError {
  static override readonly code = "WS_SERVER_FAILURE";
  readonly rcode: number | undefined;

  constructor(hostname: string, message: string, rcode?: number, options?: ErrorOptions) {
    super(hostname, message, options);
    this.rcode = typeof rcode === "number" ? rcode : undefined;
  }
}

/** No server answered within the timeout, after every retry. */
export class DnsTimeoutError extends DnsError {
  static override readonly code = "WS_DNS_TIMEOUT";
}

/** A truncated answer (TC) and no stream transport to ask again over TCP (RFC 7766 section 5). */
export class TruncatedResponseError extends DnsError {
  static override readonly code = "WS_TRUNCATED_RESPONSE";
}

/** A CNAME chain longer than the resolver follows, or one that loops. */
export class CnameChainError extends DnsError {
  static override readonly code = "WS_CNAME_CHAIN";
}

/** `resolve` on, or pending during, `close()`. */
export class ResolverClosedError extends DnsError {
  static override readonly code = "WS_RESOLVER_CLOSED";
}
