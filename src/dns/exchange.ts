import { buildDnsMessage, dnsQuery } from "../wire/dns-build.js";
import { dnsNameKey } from "../wire/dns-name.js";
import { DnsClass, DnsRcode, DnsType, type DnsMessage } from "../wire/dns-types.js";
import {
  DnsTimeoutError,
  InvalidHostnameError,
  ResolverClosedError,
  ServerFailureError,
  TruncatedResponseError,
} from "./errors.js";
import type { Answer, ExchangeConfig, Failure, Server } from "./exchange-config.js";
import { tcpExchange } from "./tcp-exchange.js";
import { CLOSED, UdpQuery } from "./udp-query.js";

/**
 * Asks the servers one question until one gives an answer worth reading (NOERROR or NXDOMAIN): each
 * server in turn, `attempts` rounds, over UDP from one random source port with a fresh random ID per
 * send, TCP when an answer is truncated (RFC 7766 section 5) or when there is no UDP at all. An answer
 * is taken only from the server it was sent to, with the ID and question sent (RFC 5452 section 9.1);
 * a late answer to an earlier send counts too. Anything else is dropped and counted, so a forged or
 * broken datagram cannot end the lookup early.
 */
export async function exchange(
  config: ExchangeConfig,
  hostname: string,
  qname: string,
  qtype: number,
): Promise<Answer> {
  const qkey = dnsNameKey(qname);
  const buildQuery = (id: number, udpPayload?: number): Uint8Array => {
    const built = buildDnsMessage(dnsQuery(id, qname, qtype, { udpPayload }));
    if (!built.ok) throw new InvalidHostnameError(hostname, `cannot ask for ${JSON.stringify(qname)}: ${built.detail}`);
    return built.bytes;
  };
  const answers = (m: DnsMessage, id: number) =>
    m.id === id &&
    m.qr &&
    m.opcode === 0 &&
    m.questions.length === 1 &&
    m.questions[0].type === qtype &&
    m.questions[0].class === DnsClass.IN &&
    dnsNameKey(m.questions[0].name) === qkey;

  const nextId = () => config.random() & 0xffff;
  const overTcp = async (server: Server): Promise<Answer | Failure> => {
    const id = nextId();
    const r = await tcpExchange(config, server, buildQuery(id), (m) => answers(m, id));
    return "kind" in r ? r : { message: r, server };
  };
  const ednsFor = (server: Server) =>
    config.udpPayload === null || config.plainServers.has(serverKey(server)) ? undefined : config.udpPayload;
  const udp = config.udp === null ? null : await UdpQuery.open(config, answers);
  const attempt = async (server: Server): Promise<Answer | Failure> => {
    if (udp === null) return overTcp(server);
    const id = nextId();
    const got = await udp.ask(server, id, buildQuery(id, ednsFor(server)));
    if (got === CLOSED || got === null) return { kind: got === null ? "timeout" : "closed" };
    if (!got.message.tc) return got;
    config.counters.truncated++;
    // The server that truncated is the one to ask over TCP (RFC 7766 section 5), with a fresh ID.
    return config.tcp === null ? { kind: "truncated" } : overTcp(got.server);
  };
  let closed = false;
  const unregister = config.onClose(() => (closed = true));
  const failures: Failure[] = [];
  try {
    for (let round = 0; round < config.attempts; round++) {
      for (const server of config.servers) {
        let r = await attempt(server);
        if (!closed && !("kind" in r) && refusedEdns(r, ednsFor(r.server))) {
          // RFC 6891 section 7: a server that does not know EDNS answers FORMERR without an OPT; ask it
          // again, and from now on, without one.
          config.plainServers.add(serverKey(r.server));
          r = await attempt(r.server);
        }
        if (closed || ("kind" in r && r.kind === "closed")) {
          throw new ResolverClosedError(hostname, `resolver closed while asking for ${hostname}`);
        }
        if ("kind" in r) {
          if (r.kind === "timeout") config.counters.timeouts++;
          failures.push(r);
          continue;
        }
        const rcode = r.message.rcode;
        if (rcode === DnsRcode.NOERROR || rcode === DnsRcode.NXDOMAIN) return r;
        failures.push({ kind: "rcode", rcode });
      }
    }
  } finally {
    unregister();
    udp?.close();
  }
  throw finalError(hostname, failures, config);
}

function refusedEdns(r: Answer, sentPayload: number | undefined): boolean {
  return (
    sentPayload !== undefined &&
    r.message.rcode === DnsRcode.FORMERR &&
    !r.message.additionals.some((rr) => rr.type === DnsType.OPT)
  );
}

function serverKey(s: Server): string {
  return `${s.address}:${s.port}`;
}

function finalError(hostname: string, failures: Failure[], config: ExchangeConfig): Error {
  const last = failures.findLast(
    (f): f is Exclude<Failure, { kind: "timeout" | "closed" }> => f.kind !== "timeout" && f.kind !== "closed",
  );
  const servers = config.servers.map((s) => `${s.address}:${s.port}`).join(", ");
  if (last === undefined) {
    return new DnsTimeoutError(
      hostname,
      `no answer for ${hostname} from ${servers} (${config.attempts} attempts, ${config.timeout} ms each)`,
    );
  }
  switch (last.kind) {
    case "rcode":
      return new ServerFailureError(hostname, `${hostname}: the server answered ${rcodeName(last.rcode)}`, last.rcode);
    case "truncated":
      return new TruncatedResponseError(
        hostname,
        `${hostname}: the answer was truncated and there is no TCP to ask again`,
      );
    case "stream":
      return new ServerFailureError(hostname, `${hostname}: DNS over TCP failed: ${String(last.cause)}`, undefined, {
        cause: last.cause,
      });
  }
}

function rcodeName(rcode: number): string {
  const name = Object.entries(DnsRcode).find(([, v]) => v === rcode)?.[0];
  return name ?? `RCODE ${rcode}`;
}
