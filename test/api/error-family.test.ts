/**
 * One error family: every error class a user can reach through an entry point of package.json (and the
 * CLI's, which has no entry) extends WirestateError, is named `...Error` after its class, and carries a
 * code of its own that does not change. The source is read too, so an error class defined anywhere in
 * src/ but exported nowhere, or extending `Error` directly, is caught as well.
 */
import { readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { WirestateError } from "../../src/errors/wirestate-error.js";

type ErrorClass = (abstract new (...args: never[]) => Error) & { readonly code?: string };

/** The package's entry points as source files: `./dist/api/index.js` is `src/api/index.ts`. */
function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, { default: string }> };
  return Object.values(pkg.exports).map((e) => e.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
}

/** The modules users reach: every entry point, plus the CLI's errors (the CLI reports them; it exports nothing). */
const MODULES = [...entryPoints(), "src/cli/errors.ts"];

function load(file: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ pathToFileURL(resolve(file)).href);
}

async function exportedErrorClasses(): Promise<Map<ErrorClass, string[]>> {
  const found = new Map<ErrorClass, string[]>();
  for (const file of MODULES) {
    const module = await load(file);
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value !== "function" || !(value.prototype instanceof Error)) continue;
      const where = found.get(value as ErrorClass) ?? [];
      where.push(`${file}: ${exportName}`);
      found.set(value as ErrorClass, where);
    }
  }
  return found;
}

/** Every class declared in src/ whose `extends` chain (followed by name) reaches a built-in Error, with that chain. */
function declaredErrorClasses(): Map<string, string[]> {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
    );
  const parent = new Map<string, string>();
  for (const file of files("src")) {
    for (const m of readFileSync(file, "utf8").matchAll(/\bclass\s+(\w+)\s+extends\s+(\w+)/g)) parent.set(m[1], m[2]);
  }
  const builtins = new Set(["Error", "RangeError", "TypeError"]);
  const errors = new Map<string, string[]>();
  for (const name of parent.keys()) {
    const chain = [name];
    for (let p = parent.get(name); p !== undefined && !chain.includes(p); p = parent.get(p)) chain.push(p);
    if (builtins.has(chain[chain.length - 1])) errors.set(name, chain);
  }
  return errors;
}

/** The codes as released. Changing one breaks user code that switches on it: add a class, never recode one. */
const CODES: Record<string, string> = {
  // tcp: Node's errno codes, as net.Socket reports the same situations
  ConnectionRefusedError: "ECONNREFUSED",
  ConnectTimeoutError: "ETIMEDOUT",
  ConnectionResetError: "ECONNRESET",
  ConnectionAbortedError: "ECONNABORTED",
  AddressInUseError: "EADDRINUSE",
  UserTimeoutError: "WS_USER_TIMEOUT",
  KeepAliveTimeoutError: "WS_KEEPALIVE_TIMEOUT",
  // ICMP destination unreachable, for TCP and UDP alike
  HostUnreachableError: "EHOSTUNREACH",
  NetworkUnreachableError: "ENETUNREACH",
  ProtocolUnreachableError: "WS_PROTOCOL_UNREACHABLE",
  PortUnreachableError: "WS_PORT_UNREACHABLE",
  // udp: the errno codes Linux's sendto and bind give
  DatagramTooLargeError: "EMSGSIZE",
  BroadcastNotEnabledError: "EACCES",
  AddressNotAvailableError: "EADDRNOTAVAIL",
  SocketClosedError: "WS_SOCKET_CLOSED",
  MemoryLimitError: "WS_MEMORY_LIMIT",
  // stack and api
  StackClosedError: "WS_STACK_CLOSED",
  StaleHandleError: "WS_STALE_HANDLE",
  CloseTimeoutError: "WS_CLOSE_TIMEOUT",
  ListenerClosedError: "WS_LISTENER_CLOSED",
  NoResolverError: "WS_NO_RESOLVER",
  // link
  LinkSetupError: "WS_LINK_SETUP",
  // pcap
  CaptureError: "WS_CAPTURE",
  CaptureClosedError: "WS_CAPTURE_CLOSED",
  SnaplenExceededError: "WS_SNAPLEN_EXCEEDED",
  InvalidTimestampError: "WS_INVALID_TIMESTAMP",
  CaptureLimitError: "WS_CAPTURE_LIMIT",
  CaptureSinkError: "WS_CAPTURE_SINK",
  // session
  SessionError: "WS_SESSION",
  ProtocolMismatchError: "WS_PROTOCOL_MISMATCH",
  ProtocolViolationError: "WS_PROTOCOL_VIOLATION",
  DecodeError: "WS_DECODE",
  EncodeError: "WS_ENCODE",
  PeerClosedError: "WS_PEER_CLOSED",
  ChannelReusedError: "WS_CHANNEL_REUSED",
  FrameTooLargeError: "WS_FRAME_TOO_LARGE",
  SessionAbortedError: "WS_SESSION_ABORTED",
  TransportClosedError: "WS_TRANSPORT_CLOSED",
  // packetdrill
  PacketdrillSyntaxError: "WS_PACKETDRILL_SYNTAX",
  PacketdrillCodeError: "WS_PACKETDRILL_CODE",
  PacketdrillUnsupportedError: "WS_PACKETDRILL_UNSUPPORTED",
  PacketdrillFailureError: "WS_PACKETDRILL_FAILURE",
  // dns
  DnsError: "WS_DNS",
  InvalidHostnameError: "WS_INVALID_HOSTNAME",
  NameNotFoundError: "WS_NAME_NOT_FOUND",
  NoRecordsError: "WS_NO_RECORDS",
  ServerFailureError: "WS_SERVER_FAILURE",
  DnsTimeoutError: "WS_DNS_TIMEOUT",
  TruncatedResponseError: "WS_TRUNCATED_RESPONSE",
  CnameChainError: "WS_CNAME_CHAIN",
  ResolverClosedError: "WS_RESOLVER_CLOSED",
  // dhcp/
  DhcpTimeoutError: "WS_DHCP_TIMEOUT",
  // cli
  CliError: "WS_CLI",
  UsageError: "WS_USAGE",
};

describe("the error family", () => {
  it("every exported error class extends WirestateError, is named ...Error, and has its own stable code", async () => {
    const classes = await exportedErrorClasses();
    const byCode = new Map<string, string>();
    for (const [cls, where] of classes) {
      if (cls === WirestateError) continue;
      const label = where.join(", ");
      expect(cls.prototype, label).toBeInstanceOf(WirestateError);
      expect(cls.name, label).toMatch(/^[A-Z]\w*Error$/);
      const code = cls.code;
      expect(code, `${label}: the scheme is Node's errno code or WS_ + UPPER_SNAKE`).toMatch(
        /^(E[A-Z]+|WS_[A-Z0-9_]+)$/,
      );
      if (code?.startsWith("E")) expect(constants.errno, `${label}: ${code} is a Node errno`).toHaveProperty(code);
      expect(byCode.get(code as string), `${label}: code ${code} is taken`).toBeUndefined();
      byCode.set(code as string, cls.name);

      // An instance, as a raise site makes it (every constructor takes up to three arguments).
      const e = new (cls as unknown as new (...args: unknown[]) => WirestateError)("a", "b", "c");
      expect(e, label).toBeInstanceOf(cls);
      expect(e.name, label).toBe(cls.name);
      expect(Object.hasOwn(e, "code") && e.code, label).toBe(code);
    }
    expect(Object.fromEntries([...byCode].map(([code, name]) => [name, code]))).toEqual(CODES);
  });

  it("every entry point that exports errors exports the one WirestateError base", async () => {
    for (const file of entryPoints()) {
      const module = await load(file);
      const errors = Object.values(module).filter((v) => typeof v === "function" && v.prototype instanceof Error);
      if (errors.length > 0) expect(module.WirestateError, file).toBe(WirestateError);
    }
  });

  it("every error class in src/ is exported (or is the CLI's) and descends from WirestateError", async () => {
    const exported = new Set([...(await exportedErrorClasses()).keys()].map((c) => c.name));
    const declared = declaredErrorClasses();
    expect(declared.size).toBeGreaterThan(Object.keys(CODES).length); // the scan sees them all, and the base
    expect([...declared.keys()].filter((name) => !exported.has(name))).toEqual([]);
    const outside = [...declared.values()].filter((chain) => chain.at(-2) !== "WirestateError");
    expect(outside.map((chain) => chain.join(" extends "))).toEqual([]);
  });
});
