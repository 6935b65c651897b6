import { describe, expect, it } from "vitest";
import { defaultNdpConfig, ndpConfig } from "../../src/ndp/index.js";

describe("neighbour discovery's configuration", () => {
  it("defaults to the RFCs' constants", () => {
    expect(ndpConfig()).toEqual(defaultNdpConfig);
    expect(ndpConfig({ neighbor: { queueLength: 2 } }).neighbor).toEqual({
      ...defaultNdpConfig.neighbor,
      queueLength: 2,
    });
  });

  it.each([
    [{ retransTimer: 0 }, "retransTimer"],
    [{ maxAddresses: 0 }, "maxAddresses"],
    [{ dupAddrDetectTransmits: -1 }, "dupAddrDetectTransmits"],
    [{ baseReachableTime: Number.NaN }, "baseReachableTime"],
    [{ neighbor: { maxEntries: 0 } }, "maxEntries"],
    [{ interfaceIds: "eui64" as "stable" }, "interfaceIds"],
  ])("refuses %o", (options, name) => {
    expect(() => ndpConfig(options)).toThrow(new RegExp(name));
  });

  it("allows turning router solicitation and DAD off", () => {
    expect(ndpConfig({ maxRtrSolicitations: 0, dupAddrDetectTransmits: 0 })).toMatchObject({
      maxRtrSolicitations: 0,
      dupAddrDetectTransmits: 0,
    });
  });
});
