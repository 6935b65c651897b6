import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock/virtual-clock.js";
import { MIN_PATH_MTU, PATH_MTU_EXPIRY_MS, PathMtuCache, reportedPathMtu } from "../../src/stack/path-mtu-cache.js";

describe("the path MTU cache (RFC 1191)", () => {
  it("the reported MTU: as named, never under 552; a router naming none gets the plateau below the datagram", () => {
    expect(reportedPathMtu(1280, 1500)).toBe(1280);
    expect(reportedPathMtu(68, 1500)).toBe(MIN_PATH_MTU);
    expect(reportedPathMtu(0, 1500)).toBe(1492);
    expect(reportedPathMtu(0, 1492)).toBe(1006);
    expect(reportedPathMtu(0, 600)).toBe(MIN_PATH_MTU); // 508 is under the floor
  });

  it("only goes down through ICMP; each entry expires 10 minutes after it was last lowered", () => {
    const clock = new VirtualClock(0);
    const changes: Array<[number, number]> = [];
    const cache = new PathMtuCache(clock, 1500, (dst, mtu) => changes.push([dst, mtu]));
    expect(cache.lower(7, 1400)).toBe(true);
    expect(cache.lower(7, 1450)).toBe(false);
    clock.advance(PATH_MTU_EXPIRY_MS - 1000);
    expect(cache.lower(7, 1300)).toBe(true);
    clock.advance(1000);
    expect(cache.mtu(7)).toBe(1300); // the second lowering restarted the 10 minutes
    clock.advance(PATH_MTU_EXPIRY_MS);
    expect(cache.mtu(7)).toBe(1500);
    expect(changes).toEqual([
      [7, 1400],
      [7, 1300],
      [7, 1500],
    ]);
    expect(clock.pending).toBe(0);
  });

  it("holds at most 1024 destinations, forgetting the oldest first; close() stops every timer", () => {
    const clock = new VirtualClock(0);
    const cache = new PathMtuCache(clock, 1500, () => {});
    for (let dst = 1; dst <= 1100; dst++) cache.lower(dst, 1000);
    expect(cache.size).toBe(1024);
    expect(cache.mtu(1)).toBe(1500);
    expect(cache.mtu(1100)).toBe(1000);
    expect(clock.pending).toBe(1024);
    cache.close();
    expect(clock.pending).toBe(0);
  });
});
