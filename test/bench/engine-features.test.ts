import { describe, expect, it } from "vitest";
import { engineHas, missingFeatures, variantConfig, type Variant } from "../../bench/src/engine-features.js";
import { runPath } from "../../bench/src/path-sim.js";
import { defaultTcpConfig } from "../../src/tcp/config.js";

const variants: Variant[] = [
  { name: "newreno", congestionControl: "newreno", sack: false },
  { name: "newreno+sack", congestionControl: "newreno", sack: true },
  { name: "cubic", congestionControl: "cubic", sack: false },
  { name: "cubic+sack", congestionControl: "cubic", sack: true },
];

describe("benchmark variants", () => {
  it("read the engine's own tables", () => {
    expect(engineHas("windowScale")).toBe(Object.hasOwn(defaultTcpConfig, "windowScale"));
    expect(engineHas("sack")).toBe(Object.hasOwn(defaultTcpConfig, "sack"));
  });

  it("pass only the option keys the engine knows", () => {
    for (const v of variants) {
      const c = variantConfig(v, 1 << 20) as Record<string, unknown>;
      for (const key of ["windowScale", "timestamps", "sack"] as const) expect(key in c).toBe(engineHas(key));
      expect(c.receiveBufferSize).toBe(engineHas("windowScale") ? 1 << 20 : 65535);
    }
  });

  it("run with the algorithm and SACK they ask for, when the engine has them", () => {
    for (const v of variants) {
      if (missingFeatures(v).length > 0) continue;
      const r = runPath({
        path: { rttMs: 10, bandwidthBps: 10e6, queueBytes: 1 << 20, mtu: 1500, loss: 0, seed: 1 },
        tcp: variantConfig(v, 1 << 20),
        warmupMs: 0,
        measureMs: 200,
      });
      expect(r.info.congestionControl).toBe(v.congestionControl);
      if (engineHas("sack")) expect(r.info.sack).toBe(v.sack);
      expect(r.goodputBps).toBeGreaterThan(0);
    }
  });
});
