import type { TcpConfig } from "../stack/index.js";
import { PacketdrillUnsupportedError } from "./errors.js";

/** What the backquoted commands of a script did to the stack's configuration. */
export interface CommandEffects {
  config: Partial<TcpConfig>;
  /** `name=value` settings with no equivalent in the stack (Linux-only knobs). */
  notApplicable: string[];
  /** Shell commands that were not sysctl settings (qdiscs, tcp_metrics, ip link ...): not run. */
  skipped: string[];
}

export function newEffects(): CommandEffects {
  return { config: {}, notApplicable: [], skipped: [] };
}

/** Reads a helper script a command names (`../common/defaults.sh`), relative to the script; null if absent. */
export type ReadHelper = (path: string) => string | null;

type Mapper = (value: string, config: Partial<TcpConfig>) => boolean;

const flag =
  (key: "timestamps" | "sack" | "dsack" | "windowScale" | "receiveBufferAutotune"): Mapper =>
  (v, c) => {
    c[key] = Number(v) !== 0;
    return true;
  };

/**
 * Buffer sizes as Linux's "min default max" triple. Linux grows the receive buffer towards the max (and
 * offers its SYN window scale for the max), as the engine's autotuning does: the max is its
 * receiveBufferSize (`which` = 2). The send side keeps the default, which is what a socket starts with and
 * what the scripts' writes fill.
 */
const bufferSize =
  (key: "receiveBufferSize" | "sendBufferSize", which: 1 | 2): Mapper =>
  (v, c) => {
    const parts = v.trim().split(/\s+/).map(Number);
    if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1)) return false;
    c[key] = Math.min(parts[which], 1 << 30);
    return true;
  };

const seconds =
  (key: "keepAliveIdle" | "keepAliveInterval"): Mapper =>
  (v, c) => {
    c[key] = Number(v) * 1000;
    return Number.isFinite(c[key]);
  };

/** net.ipv4.* settings with an equivalent in TcpConfig. The engine's fixed behaviour counts as a match. */
const MAPPERS: Record<string, Mapper> = {
  tcp_timestamps: flag("timestamps"),
  tcp_sack: flag("sack"),
  tcp_dsack: flag("dsack"),
  tcp_window_scaling: flag("windowScale"),
  tcp_moderate_rcvbuf: flag("receiveBufferAutotune"),
  tcp_rmem: bufferSize("receiveBufferSize", 2),
  tcp_wmem: bufferSize("sendBufferSize", 1),
  tcp_syn_retries: (v, c) => {
    c.synRetries = Number(v);
    return Number.isInteger(c.synRetries);
  },
  tcp_congestion_control: (v, c) => {
    if (v === "cubic") c.congestionControl = "cubic";
    else if (v === "reno") c.congestionControl = "newreno";
    else return false;
    return true;
  },
  tcp_keepalive_time: seconds("keepAliveIdle"),
  tcp_keepalive_intvl: seconds("keepAliveInterval"),
  tcp_keepalive_probes: (v, c) => {
    c.keepAliveCount = Number(v);
    return Number.isInteger(c.keepAliveCount);
  },
  // RFC 3168 ECN: 0 off, 1 asked for and accepted (TcpConfig.ecn). Linux's 2 (accept a peer's request,
  // never ask) has no equivalent: the engine's switch covers both directions.
  tcp_ecn: (v, c) => {
    const n = Number(v);
    if (n !== 0 && n !== 1)
      throw new PacketdrillUnsupportedError(`net.ipv4.tcp_ecn=${v}: only 0 and 1 (TcpConfig.ecn) are modelled`);
    c.ecn = n === 1;
    return true;
  },
  // Linux's loss-recovery switch: bit 0 (on by default) is RACK-TLP; without it, RFC 6675's DupThresh.
  tcp_recovery: (v, c) => {
    const n = Number(v);
    if (!Number.isInteger(n)) return false;
    c.lossRecovery = n & 1 ? "rack" : "rfc6675";
    return true;
  },
  // RFC 5681 §4.1 restart after idle is always on in the engine; 1 is what it does.
  tcp_slow_start_after_idle: (v) => Number(v) === 1,
};

/**
 * Applies one backquoted command: `sysctl [-q] [-w] net.ipv4.X=V ...`, `echo V > /proc/sys/net/ipv4/X`,
 * `set_sysctls.py net.ipv4.X=V ...`, and helper `.sh` files made of such lines (read through `read`).
 */
export function applyCommand(command: string, effects: CommandEffects, read: ReadHelper): void {
  for (const raw of command.split(/\n|;|&&/)) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const words = shellWords(line);
    const program = words[0];
    if (program === "sysctl") {
      for (const w of words.slice(1)) if (!w.startsWith("-") && w.includes("=")) setting(w, effects);
      continue;
    }
    if (program.endsWith("set_sysctls.py")) {
      for (const w of words.slice(1)) if (w.includes("=")) setting(w, effects);
      continue;
    }
    const echo = /^echo\s+"?([^">]*)"?\s*>\s*\/proc\/sys\/net\/ipv4\/(\w+)\s*$/.exec(line);
    if (echo !== null) {
      setting(`net.ipv4.${echo[2]}=${echo[1]}`, effects);
      continue;
    }
    if (program.endsWith(".sh") && words.length === 1) {
      const text = read(program);
      if (text !== null) {
        applyCommand(joinContinuations(text), effects, read);
        continue;
      }
    }
    effects.skipped.push(line);
  }
}

/** A command line split as the shell would: blanks separate words, quotes keep them together. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:"[^"]*"|'[^']*'|[^\s"'])+/g)) words.push(m[0].replace(/["']/g, ""));
  return words;
}

function joinContinuations(text: string): string {
  return text.replace(/\\\n/g, " ");
}

function setting(assignment: string, effects: CommandEffects): void {
  const eq = assignment.indexOf("=");
  // `/proc/sys/net/ipv4/tcp_sack=0` is set_sysctls.py's other spelling of `net.ipv4.tcp_sack=0`.
  const name = assignment
    .slice(0, eq)
    .replace(/^\/proc\/sys\//, "")
    .replaceAll("/", ".");
  const value = expandArithmetic(assignment.slice(eq + 1).replace(/^"|"$/g, ""));
  const key = name.replace(/^net\.ipv4\./, "");
  const mapper = name.startsWith("net.ipv4.") ? MAPPERS[key] : undefined;
  if (mapper === undefined || !mapper(value, effects.config)) effects.notApplicable.push(`${name}=${value}`);
}

/** `$((15*1024*1024))` as the shell would expand it (integers, + - * / and parentheses only). */
function expandArithmetic(value: string): string {
  return value.replace(/\$\(\(([^()]*(?:\([^()]*\)[^()]*)*)\)\)/g, (whole, expr: string) => {
    const n = arithmetic(expr);
    return n === null ? whole : String(n);
  });
}

function arithmetic(expr: string): number | null {
  const tokens = expr.match(/\d+|[-+*/()]/g);
  if (tokens === null || tokens.join("") !== expr.replace(/\s+/g, "")) return null;
  let i = 0;
  const primary = (): number => {
    const t = tokens[i++];
    if (t === "(") {
      const v = sum();
      i++;
      return v;
    }
    if (t === "-") return -primary();
    return Number(t);
  };
  const product = (): number => {
    let v = primary();
    while (tokens[i] === "*" || tokens[i] === "/") v = tokens[i++] === "*" ? v * primary() : Math.trunc(v / primary());
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[i] === "+" || tokens[i] === "-") v = tokens[i++] === "+" ? v + product() : v - product();
    return v;
  };
  const v = sum();
  return Number.isFinite(v) && i === tokens.length ? v : null;
}
