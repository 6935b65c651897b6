import { WirestateError } from "../tcp/errors.js";

/** Base of the resolver's errors; `hostname` is the name that was asked for, as the caller wrote it. */
export class DnsError extends WirestateError {
  readonly hostname: string;

  constructor(hostname: string, message: string, options?: { cause?: unknown }) {
    super(message);
    this.hostname = hostname;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The name is not a host name by RFC 1123 section 2.1 (and RFC 3696 section 2: no all-numeric TLD). */
export class InvalidHostnameError extends DnsError {}

/** NXDOMAIN (RCODE 3): the name, or the end of its CNAME chain, does not exist. */
export class NameNotFoundError extends DnsError {}

/** NOERROR with no record of the type asked for ("NODATA", RFC 2308 section 2.2): the name exists. */
export class NoRecordsError extends DnsError {}

/**
 * Every server failed: SERVFAIL, REFUSED, NOTIMP or FORMERR (`rcode`, the last one seen), or the TCP
 * exchange broke (`cause`), and none timed out last.
 */
export class ServerFailureError extends DnsError {
  readonly rcode: number | undefined;

  constructor(hostname: string, message: string, rcode: number | undefined, options?: { cause?: unknown }) {
    super(hostname, message, options);
    this.rcode = rcode;
  }
}

/** No server answered within the timeout, after every retry. */
export class DnsTimeoutError extends DnsError {}

/** A truncated answer (TC) and no stream transport to ask again over TCP (RFC 7766 section 5). */
export class TruncatedResponseError extends DnsError {}

/** A CNAME chain longer than the resolver follows, or one that loops. */
export class CnameChainError extends DnsError {}

/** `resolve` on, or pending during, `close()`. */
export class ResolverClosedError extends DnsError {}
