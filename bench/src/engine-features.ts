/**
 * Which TCP options the engine has today, read from its own tables (the config keys it knows,
 * the congestion algorithms it can build). The benchmarks describe each option combination as a config and
 * run only the ones the engine supports; the rest are reported as not available, never approximated by a
 * combination that exists.
 */
import { defaultTcpConfig, type TcpConfig } from "../../src/tcp/config.js";
import { congestionAlgorithms } from "../../src/tcp/congestion-algorithms.js";

export type Feature = "windowScale" | "timestamps" | "sack" | "cubic" | "lossRecovery";

export function engineHas(feature: Feature): boolean {
  if (feature === "cubic") return Object.hasOwn(congestionAlgorithms, "cubic");
  return Object.hasOwn(defaultTcpConfig, feature);
}

/** One combination of options, as the stack configuration that asks for it. */
export interface Variant {
  /** Short label for figures and charts, e.g. "cubic+sack". */
  name: string;
  congestionControl: "newreno" | "cubic";
  sack: boolean;
  /** The SACK-based loss recovery, when not the engine's default. */
  lossRecovery?: "rack" | "rfc6675";
}

/** The features a variant needs that the engine lacks (empty: it can run). */
export function missingFeatures(v: Variant): Feature[] {
  const needs: Feature[] = [];
  if (v.congestionControl === "cubic") needs.push("cubic");
  if (v.sack) needs.push("sack");
  if (v.lossRecovery !== undefined) needs.push("lossRecovery");
  return needs.filter((f) => !engineHas(f));
}

/**
 * The TcpConfig a variant runs with. Window scale and timestamps are on whenever the engine has them (as
 * on Linux), so the variants differ only in the algorithm and SACK. Keys the engine does not know yet are
 * left out rather than passed, since an unknown key would be silently ignored.
 */
export function variantConfig(v: Variant, buffers: number): Partial<TcpConfig> {
  const c: Record<string, unknown> = {
    congestionControl: v.congestionControl,
    sendBufferSize: buffers,
    receiveBufferSize: engineHas("windowScale") ? buffers : 65535,
  };
  if (engineHas("windowScale")) c.windowScale = true;
  if (engineHas("timestamps")) c.timestamps = true;
  if (engineHas("sack")) c.sack = v.sack;
  if (v.lossRecovery !== undefined && engineHas("lossRecovery")) c.lossRecovery = v.lossRecovery;
  return c as Partial<TcpConfig>;
}
